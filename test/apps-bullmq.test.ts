/**
 * BullMQ, unmodified, against redis-server and against RustyPotato: the same workload of 1,020
 * jobs (normal, delayed, retried, permanently failing, prioritised, parent/child flows, with a
 * QueueEvents listener on the events stream) must end with the same per-job outcomes, the same
 * priority order, the same counts and the same events on both servers (bench/workloads/bullmq.ts).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { usePair } from './support/harness';
import { runBullmqScenario, SCENARIO_JOBS } from '../bench/workloads/bullmq';

const p = usePair(test);

test('BullMQ queue with workers: same outcomes on redis-server and RustyPotato', async () => {
  const pair = p();
  const expected = await runBullmqScenario(pair.oracle.port);
  // The oracle run must itself be complete and meaningful, or the comparison proves nothing.
  assert.is(Object.keys(expected.outcomes).length, SCENARIO_JOBS);
  assert.is(expected.eventsCompleted + expected.eventsFailed, SCENARIO_JOBS);
  assert.ok(expected.eventsFailed > 0 && expected.eventsCompleted >= 1000);
  assert.equal(expected.earlyDelayed, []);
  assert.ok(Object.values(expected.outcomes).some((o) => o.includes('attempts=3')), 'some jobs were retried');

  const actual = await runBullmqScenario(pair.candidate.port);
  assert.equal(actual.counts, expected.counts);
  assert.equal(actual.priorityOrder, expected.priorityOrder);
  assert.equal(actual.earlyDelayed, []);
  assert.is(actual.eventsCompleted, expected.eventsCompleted);
  assert.is(actual.eventsFailed, expected.eventsFailed);
  assert.equal(actual.outcomes, expected.outcomes);
});

test.run();

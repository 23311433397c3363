/**
 * Keyspace notifications: notify-keyspace-events (its letters parsed as Redis does) handed to the
 * engine, which publishes each event on `__keyspace@<db>__:<key>` and `__keyevent@<db>__:<event>`
 * the moment a command emits it, through its pub/sub fan-out (native/engine/events.h): so a
 * subscriber gets notifications and PUBLISH messages in command order, and a RESP3 client that
 * listens to the keys it changes gets the push in its reply stream where Redis writes it.
 */
import { native } from '../native';
import { parseKeyspaceEvents } from '../config/keyspace-events';

/** Applies notify-keyspace-events (its text, already validated). */
export function configureKeyspaceEvents(text: string): void {
  native.setConfig('notify-keyspace-events', String(parseKeyspaceEvents(text) ?? 0));
}

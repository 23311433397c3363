/**
 * Running rustypotato-cli (and redis-cli) from tests: one-shot runs with captured output, and a
 * live session whose stdin the test writes line by line while it waits for output. Every child is
 * bounded by a timeout and killed at the end.
 */
import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { repoRoot, sleep } from './servers';

export const cliScript = path.join(repoRoot, 'dist', 'ts', 'bin', 'cli.js');

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export interface RunOptions {
  input?: string | Buffer;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** Runs a program to completion; stdout/stderr decoded as latin1 (byte-exact). */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
    live.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString('latin1'); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString('latin1'); });
    const timer = setTimeout(() => {
      stderr += `\n<killed after ${options.timeoutMs ?? 30000} ms>`;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 30000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      live.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.on('error', () => { /* the child may exit before reading everything */ });
    child.stdin.end(options.input ?? '');
  });
}

/** rustypotato-cli with the given arguments. */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return run(process.execPath, [cliScript, ...args], options);
}

/** A running program whose stdin stays open: write lines, wait for output to match. */
export class LiveProcess {
  stdout = '';
  stderr = '';
  exitCode: number | null = null;
  exited: Promise<void>;
  private readonly child: ChildProcess;

  constructor(command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}) {
    this.child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    live.add(this.child);
    this.child.stdout?.on('data', (d: Buffer) => { this.stdout += d.toString('utf8'); });
    this.child.stderr?.on('data', (d: Buffer) => { this.stderr += d.toString('utf8'); });
    this.child.stdin?.on('error', () => { /* gone */ });
    this.exited = new Promise((resolve) => {
      this.child.on('close', (code) => {
        this.exitCode = code;
        live.delete(this.child);
        resolve();
      });
    });
  }

  write(text: string): void {
    this.child.stdin?.write(text);
  }

  endInput(): void {
    this.child.stdin?.end();
  }

  signal(name: NodeJS.Signals): void {
    this.child.kill(name);
  }

  /** Waits until `stream` matches `pattern` (checked against everything so far). */
  async waitFor(pattern: RegExp | string, timeoutMs = 10000, stream: 'stdout' | 'stderr' = 'stdout'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const matches = (): boolean => {
      const text = this[stream];
      return typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text);
    };
    while (!matches()) {
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${String(pattern)} on ${stream}.\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`);
      }
      if (this.exitCode !== null) {
        throw new Error(`exited (${this.exitCode}) before ${String(pattern)} on ${stream}.\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`);
      }
      await sleep(20);
    }
  }

  /** Waits for exit (killing the process after `timeoutMs`). */
  async finish(timeoutMs = 10000): Promise<number | null> {
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
    return this.exitCode;
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}

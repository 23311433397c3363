/** Runs a program to completion (bounded by a timeout) and collects its output, for CLI-style tests. */
import { spawn } from 'node:child_process';

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runProcess(
  cmd: string,
  args: string[],
  opts: { input?: Buffer | string; timeoutMs?: number; encoding?: BufferEncoding } = {},
): Promise<ProcessResult> {
  const timeoutMs = opts.timeoutMs ?? 60000;
  const encoding = opts.encoding ?? 'utf8';
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(encoding); });
    child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(encoding); });
    const timer = setTimeout(() => {
      stderr += `\n<killed after ${timeoutMs} ms>`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    if (opts.input !== undefined && child.stdin) {
      child.stdin.on('error', () => { /* the child may exit before reading everything */ });
      child.stdin.end(opts.input);
    }
  });
}

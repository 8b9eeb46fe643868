import { spawn } from 'node:child_process';

/**
 * Runs a command under GNU time: wall seconds and peak RSS (KiB). Asynchronous, because the
 * sandbox serving the download lives in this process and must keep answering meanwhile.
 */
export function timed(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', '%e %M', command, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...options,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text) => {
      stdout += text;
    });
    child.stderr.setEncoding('utf8').on('data', (text) => {
      stderr += text;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`${command} failed (${code}): ${stderr.slice(-2000)}`));
        return;
      }
      const [wall, rssKiB] = stderr.trim().split('\n').at(-1).split(' ').map(Number);
      resolve({ wallSeconds: wall, peakRssMiB: rssKiB / 1024, stdout });
    });
  });
}

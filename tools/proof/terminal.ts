import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";

/**
 * A program at a real terminal, for tests of what only a terminal shows: the
 * workflow's approval prompt, the sandbox's subshell, jest's watch mode. It
 * runs under util-linux's `script`, which gives the program a pseudo-terminal
 * and copies what we type to it; what the program writes comes back with its
 * colours and cursor moves taken out.
 */
/** ANSI escape sequences: colours, cursor moves, character sets. */
const ESCAPES = new RegExp(`${String.fromCharCode(27)}(\\[[0-9;?]*[A-Za-z]|[()][A-Z0-9]|[=>])`, "g");

export class Terminal {
  private raw = "";
  private readonly exited: Promise<number>;
  private closed = false;
  private readonly waiters: (() => void)[] = [];

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    const take = (chunk: Buffer) => {
      this.raw += chunk.toString();
      this.waiters.splice(0).forEach((wake) => wake());
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    this.exited = new Promise((done) =>
      child.on("close", (code, signal) => {
        this.closed = true;
        done(code ?? (signal ? 128 : 1));
      }),
    );
  }

  /** Starts `command` (a shell command line) at a terminal of its own, in `cwd`, with `env`. */
  static open(command: string, options: { readonly cwd: string; readonly env: NodeJS.ProcessEnv }): Terminal {
    // -q: no "Script started" banner; -f: flush at once; -e: script exits with the program's code; the log goes nowhere.
    const child = spawn("script", ["-qfec", command, "/dev/null"], { cwd: options.cwd, env: { ...options.env, TERM: "dumb" }, detached: true });
    return new Terminal(child);
  }

  /** What the terminal showed so far, without escape sequences and carriage returns. */
  get screen(): string {
    return this.raw.replace(ESCAPES, "").replace(/\r/g, "");
  }

  /** Whether the program has ended. */
  get ended(): boolean {
    return this.closed;
  }

  /** Types `text` (a line needs its "\n"). */
  type(text: string): void {
    this.child.stdin.write(text);
  }

  /** Resolves once the screen, from `from` on, matches `pattern`; rejects after `timeoutMs` with what it showed. */
  async waitFor(pattern: RegExp, timeoutMs: number, from = 0): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = this.screen.slice(from).match(pattern);
      if (match) return match;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`the terminal did not show ${pattern} within ${timeoutMs} ms; it showed:\n${this.screen.slice(-3000)}`);
      await new Promise<void>((wake) => {
        const timer = setTimeout(wake, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          wake();
        });
      });
    }
  }

  /** Ctrl-C, as a person presses it: the terminal sends SIGINT to its foreground process group. */
  interrupt(): void {
    this.type("\x03");
  }

  /** The program's exit code, once it has ended. */
  exit(): Promise<number> {
    this.child.stdin.end();
    return this.exited;
  }

  /** Ends the program and everything it started, if it is still running. */
  kill(): void {
    try {
      if (this.child.pid !== undefined) process.kill(-this.child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

// What `plan` and `check` share as command-line tools: the user's directory, where output goes, and words.
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";

/** npm runs scripts from the project root; INIT_CWD is where the user invoked npm (also with `npm --prefix`). */
export function userDir(): string {
    return process.env.INIT_CWD ?? process.cwd();
}

/** A path as the user typed it, resolved against the directory they invoked the command from. */
export function userPath(path: string, cwd = userDir()): string {
    return resolve(cwd, path);
}

/** Where a CLI writes: stdout and stderr for the process, strings for a test calling it in process. */
export interface Io {
    cwd: string;
    out(text: string): Promise<void>;
    err(text: string): Promise<void>;
    /** A terminal that shows progress: never in CI, never when the output is piped. */
    progress?: (text: string) => void;
}

/**
 * Writes to a stream and waits until it is flushed (a pipe drops what is pending at process.exit). A reader
 * that went away (`| head`) is not an error: the rest of the output is dropped and the exit code stands.
 */
function streamWriter(stream: NodeJS.WriteStream): (text: string) => Promise<void> {
    let closed = false;
    stream.on("error", (error: NodeJS.ErrnoException) => {
        if (error.code === "EPIPE") closed = true;
        else throw error;
    });
    return (text) =>
        closed
            ? Promise.resolve()
            : new Promise((done, fail) =>
                  stream.write(text, (error) => {
                      if (!error) return done();
                      if ((error as NodeJS.ErrnoException).code === "EPIPE") {
                          closed = true;
                          return done();
                      }
                      fail(error);
                  }),
              );
}

/**
 * One line of progress, rewritten in place, where a person watches a terminal; none in CI or when the
 * stream is a pipe or a file, where it would only be noise in a log.
 */
export function progressOn(
    stream: { isTTY?: boolean; write(text: string): unknown } = process.stderr,
    env: NodeJS.ProcessEnv = process.env,
): ((text: string) => void) | undefined {
    if (stream.isTTY !== true || env.CI) return undefined;
    return (text) => void stream.write(`\r\x1b[2K${text}`);
}

export function processIo(): Io {
    const progress = progressOn();
    return {
        cwd: userDir(),
        out: streamWriter(process.stdout),
        err: streamWriter(process.stderr),
        ...(progress ? { progress } : {}),
    };
}

/** Writes the primary output to --output FILE (relative to the user's directory), or to stdout. */
export async function emit(io: Io, text: string, output: string | undefined): Promise<void> {
    if (output === undefined) return io.out(text);
    const path = userPath(output, io.cwd);
    try {
        writeFileSync(path, text);
    } catch (error) {
        throw new Error(`--output ${path}: cannot write: ${oneLine(error)}`, { cause: error });
    }
}

/** "1 file", "2 files". */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
    return `${count} ${count === 1 ? singular : pluralForm}`;
}

/** One line for an error the tool did not expect: no stack trace for users, the message names what failed. */
export function oneLine(error: unknown): string {
    const message = error instanceof Error ? error.message : String(error);
    return message.split("\n")[0]!;
}

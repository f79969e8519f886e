import type { Io } from "../../tools/cli/output";

export interface CliRun {
    code: number;
    stdout: string;
    stderr: string;
}

/** A command-line tool's entry point (runPlan, runCheckCli, runCharts) as its command line runs it, in process. */
export async function runInProcess(run: (args: string[], io: Io) => Promise<number>, args: string[], cwd: string): Promise<CliRun> {
    let stdout = "";
    let stderr = "";
    const io: Io = { cwd, out: async (text) => void (stdout += text), err: async (text) => void (stderr += text) };
    const code = await run(args, io);
    return { code, stdout, stderr };
}

// test:unit is pure: a spec there that starts a subprocess or renders resources under Pulumi's mocks
// fails, naming what it did, so the tier stays fast and its list (test/tiers.cjs) stays true.
// The modules' own objects (an `import *` namespace is read-only); callers read these functions at call time,
// and @pulumi/pulumi's `runtime` copies setMockOptions from settings when it loads, after this file.
const childProcess = require("node:child_process") as Record<string, unknown>;
const settings = require("@pulumi/pulumi/runtime/settings") as Record<string, unknown>;

const MOVE = "list the spec under RENDER or CLI in test/tiers.cjs";

for (const name of ["spawn", "spawnSync", "exec", "execSync", "execFile", "execFileSync", "fork"] as const) {
    childProcess[name] = (command: unknown) => {
        throw new Error(`test:unit runs no subprocess, and this spec ran ${name}(${JSON.stringify(command)}): ${MOVE}`);
    };
}

// Every render starts by installing a mock monitor (tools/render/render.ts directly, pulumi.runtime.setMocks
// through it): refused there, the render fails at once with this message.
settings.setMockOptions = () => {
    throw new Error(`test:unit renders nothing, and this spec installed Pulumi's mocks to render: ${MOVE}`);
};

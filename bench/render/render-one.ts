// Renders one stack in this fresh process and prints how many resources it registered.
import { renderStack } from "../../tools/render/render";

renderStack(process.argv[2]!).then(
    (stack) => process.stdout.write(`${stack.resources.length}\n`),
    (error: unknown) => {
        process.stderr.write(`${String(error)}\n`);
        process.exit(1);
    },
);

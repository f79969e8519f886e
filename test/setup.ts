// Property-based tests run with one fixed seed, so that CI is repeatable; FC_SEED=<n> explores another
// (the benches under bench/ take --seed for longer explorations).
import fc from "fast-check";

const seed = Number(process.env.FC_SEED ?? 20261128);
fc.configureGlobal({ seed });

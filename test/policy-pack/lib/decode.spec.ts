// The one-walk decoder of a request's properties gives exactly what @pulumi/policy's own decoder
// gives policies, on the wire's own Structs, or leaves the request to it.
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { Struct, Value } from "google-protobuf/google/protobuf/struct_pb";
import { decodeProperties } from "../../../policy-pack/lib/decode";

type Deserialize = (struct: object, proxySecrets: boolean) => Record<string, unknown>;
// @pulumi/policy's decoder; once the pack is served it wraps it and keeps it as `original`.
const loaded = (require("@pulumi/policy/deserialize") as { deserializeProperties: Deserialize & { original?: Deserialize } })
    .deserializeProperties;
const engineDecoder: Deserialize = loaded.original ?? loaded;

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
const ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** A Struct as the pack receives it: encoded by the CLI, decoded from the wire. */
function onTheWire(props: Record<string, unknown>): Struct {
    const built = Struct.fromJavaScript(props as Parameters<typeof Struct.fromJavaScript>[0]);
    return Struct.deserializeBinary(built.serializeBinary());
}

/** What the engine's decoder returns, or the error it throws. */
function engine(struct: Struct): { props: unknown } | { error: string } {
    try {
        return { props: engineDecoder(struct, false) };
    } catch (e) {
        return { error: String(e) };
    }
}

/** Same values, same prototypes, same key order at every level. */
function assertSame(ours: unknown, theirs: unknown): void {
    assert.deepStrictEqual(ours, theirs);
    const order = (v: unknown): unknown =>
        Array.isArray(v) ? v.map(order) : v && typeof v === "object" ? Object.entries(v).map(([k, x]) => [k, order(x)]) : v;
    assert.deepStrictEqual(order(ours), order(theirs));
}

const key = fc.oneof(
    fc.string(),
    fc.constantFrom("0", "10", "2", "-1", "constructor", "toString", "value", "hasOwnProperty", SIG_KEY, "__proto__"),
);
const leaf = fc.oneof(
    fc.string(),
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom<unknown>(SECRET_SIG, ASSET_SIG, UNKNOWN_STRING, "", 0),
);
const value = fc.letrec<{ v: unknown; obj: Record<string, unknown> }>((tie) => ({
    v: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        leaf,
        fc.array(tie("v"), { maxLength: 4 }),
        tie("obj"),
        secret(tie("v")),
        signed(),
    ),
    obj: fc.dictionary(key, tie("v"), { maxKeys: 5 }),
}));
function secret(inner: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
    return inner.map((v) => ({ [SIG_KEY]: SECRET_SIG, value: v }));
}
function signed(): fc.Arbitrary<unknown> {
    return fc.oneof(
        fc.constant({ [SIG_KEY]: ASSET_SIG, text: "hello" }),
        fc.constant({ [SIG_KEY]: ARCHIVE_SIG, path: "./dir" }),
        fc.constant({ [SIG_KEY]: RESOURCE_SIG, urn: "urn:pulumi:s::p::t::n" }),
        fc.constant({ [SIG_KEY]: "not-a-signature" }),
        fc.constant({ [SIG_KEY]: SECRET_SIG }),
        fc.constant({ [SIG_KEY]: "", kept: true }),
        fc.constant({ [SIG_KEY]: 0, kept: true }),
        fc.constant({ [SIG_KEY]: false, kept: true }),
        fc.constant({ [SIG_KEY]: null, kept: true }),
    );
}

describe("lib/decode: a request's properties in one walk", () => {
    it("gives what @pulumi/policy's decoder gives, or leaves the properties to it, on any Struct from the wire", () => {
        let decoded = 0;
        let left = 0;
        fc.assert(
            fc.property(value.obj, (props) => {
                const struct = onTheWire(props);
                const ours = decodeProperties(struct);
                const theirs = engine(struct);
                if (ours === undefined) return void left++;
                decoded++;
                assert.ok("props" in theirs, `we decoded what the engine refuses: ${"error" in theirs ? theirs.error : ""}`);
                assertSame(ours, theirs.props);
            }),
            { numRuns: 2000 },
        );
        // Both outcomes were exercised, and most properties take the one walk.
        assert.ok(decoded > left && left > 0, `decoded ${decoded}, left ${left}`);
    });

    it("reads a secret as its value, at any depth", () => {
        const struct = onTheWire({ spec: { env: [{ name: "A", value: { [SIG_KEY]: SECRET_SIG, value: "s3cr3t" } }] } });
        const ours = decodeProperties(struct);
        assert.deepStrictEqual(ours, { spec: { env: [{ name: "A", value: "s3cr3t" }] } });
        assertSame(ours, engineDecoder(struct, false));
    });

    it("keeps a signature key at the top level as a plain property, as the engine does", () => {
        const struct = onTheWire({ [SIG_KEY]: SECRET_SIG, value: 1, other: "x" });
        assertSame(decodeProperties(struct), engineDecoder(struct, false));
    });

    it("keeps an object whose signature is empty, zero, false or null as an object, as the engine does", () => {
        for (const sig of ["", 0, false, null]) {
            const struct = onTheWire({ a: { [SIG_KEY]: sig, kept: true } });
            assertSame(decodeProperties(struct), engineDecoder(struct, false));
        }
    });

    it("leaves assets, archives, resource references and unknown signatures to the engine's decoder", () => {
        for (const props of [
            { code: { [SIG_KEY]: ASSET_SIG, text: "hello" } },
            { code: { [SIG_KEY]: ARCHIVE_SIG, path: "./dir" } },
            { ref: { [SIG_KEY]: RESOURCE_SIG, urn: "urn:pulumi:s::p::t::n" } },
            { odd: [{ [SIG_KEY]: "not-a-signature" }] },
            { secretWithoutValue: { [SIG_KEY]: SECRET_SIG } },
        ]) {
            assert.equal(decodeProperties(onTheWire(props)), undefined, JSON.stringify(props));
        }
    });

    it("leaves a Struct with a Value of no kind anywhere, even among a secret's other fields, to the engine's decoder", () => {
        // The CLI never sends one, and Struct.fromJavaScript cannot build one; the engine's decoder throws on it.
        const props = (inner: (secret: Struct) => void) => {
            const built = Struct.fromJavaScript({ password: { [SIG_KEY]: SECRET_SIG, value: "hunter2" }, spec: { a: [1] } });
            inner(built);
            return Struct.deserializeBinary(built.serializeBinary());
        };
        const secretField = props((b) => b.getFieldsMap().get("password")!.getStructValue()!.getFieldsMap().set("extra", new Value()));
        const listItem = props((b) =>
            b.getFieldsMap().get("spec")!.getStructValue()!.getFieldsMap().get("a")!.getListValue()!.addValues(new Value()),
        );
        for (const struct of [secretField, listItem]) {
            assert.equal(decodeProperties(struct), undefined);
            assert.match(String((engine(struct) as { error: string }).error), /Unexpected struct type/);
        }
    });

    it("a __proto__ key never becomes a prototype: the properties read as the engine reads them", () => {
        const struct = onTheWire(JSON.parse('{"spec": {"__proto__": {"privileged": true}}}') as Record<string, unknown>);
        const ours = decodeProperties(struct) ?? engineDecoder(struct, false);
        assertSame(ours, engineDecoder(struct, false));
        assert.equal((ours.spec as Record<string, unknown>).privileged, undefined);
    });

    it("keeps the engine's unknown sentinels as they are, for the pack's unknown-value rules", () => {
        const struct = onTheWire({ spec: { image: UNKNOWN_STRING } });
        assert.deepStrictEqual(decodeProperties(struct), { spec: { image: UNKNOWN_STRING } });
    });
});

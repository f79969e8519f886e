// A request's properties, from the protobuf Struct the engine sends to the plain values a policy
// reads, in one walk: @pulumi/policy 1.21.0's deserializeProperties first copies the whole Struct
// into JavaScript (Struct.toJavaScript) and then copies that copy again to unwrap secrets. The result
// is the same value; anything but plain values and secrets is left to @pulumi/policy's own decoder.

// @pulumi/pulumi's signature key and the signature of a secret (runtime/rpc.ts).
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

// The accessors of google-protobuf's Struct, Value and ListValue that this walk reads.
interface StructMessage {
    getFieldsMap(): { forEach(visit: (value: ValueMessage, key: string) => void): void; get(key: string): ValueMessage | undefined };
}
interface ValueMessage {
    getKindCase(): number;
    getNumberValue(): number;
    getStringValue(): string;
    getBoolValue(): boolean;
    getStructValue(): StructMessage | undefined;
    getListValue(): { getValuesList(): ValueMessage[] } | undefined;
}

// Value.KindCase of google/protobuf/struct.proto.
const NULL_VALUE = 1;
const NUMBER_VALUE = 2;
const STRING_VALUE = 3;
const BOOL_VALUE = 4;
const STRUCT_VALUE = 5;
const LIST_VALUE = 6;

/** Thrown inside the walk when a value needs @pulumi/policy's own decoder. */
class NotPlain extends Error {}
const NOT_PLAIN = new NotPlain();

function decodeValue(value: ValueMessage): unknown {
    switch (value.getKindCase()) {
        case NULL_VALUE:
            return null;
        case NUMBER_VALUE:
            return value.getNumberValue();
        case STRING_VALUE:
            return value.getStringValue();
        case BOOL_VALUE:
            return value.getBoolValue();
        case STRUCT_VALUE:
            return decodeObject(value.getStructValue()!);
        case LIST_VALUE: {
            const values = value.getListValue()!.getValuesList();
            const out = new Array<unknown>(values.length);
            for (let i = 0; i < values.length; i++) out[i] = decodeValue(values[i]);
            return out;
        }
        default:
            // A Value with no kind: @pulumi/policy's decoder reports it its own way.
            throw NOT_PLAIN;
    }
}

function decodeObject(struct: StructMessage): unknown {
    const fields = struct.getFieldsMap();
    const sig = fields.get(SIG_KEY);
    if (sig === undefined || !isTruthy(sig)) return decodeFields(fields);
    // A secret reads as its value; assets, archives and any other signature go to @pulumi/policy.
    if (sig.getKindCase() !== STRING_VALUE || sig.getStringValue() !== SECRET_SIG) throw NOT_PLAIN;
    const inner = fields.get("value");
    if (inner === undefined) throw NOT_PLAIN;
    // @pulumi/policy's decoder copies the secret's other fields too before it drops them, and fails on
    // a value without a kind among them: they are walked, and anything but plain values among them
    // goes to it as well.
    fields.forEach((field, key) => key !== "value" && decodeValue(field));
    return decodeValue(inner);
}

function decodeFields(fields: ReturnType<StructMessage["getFieldsMap"]>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    fields.forEach((field, key) => {
        // Struct.toJavaScript assigns a "__proto__" key as its copy's prototype, which the second copy
        // reads through: only @pulumi/policy's decoder gives exactly its answer.
        if (key === "__proto__") throw NOT_PLAIN;
        out[key] = decodeValue(field);
    });
    return out;
}

/** Whether @pulumi/policy's decoder would read the signature as one (it tests the value for truth). */
function isTruthy(value: ValueMessage): boolean {
    switch (value.getKindCase()) {
        case NUMBER_VALUE:
            return value.getNumberValue() !== 0 && !Number.isNaN(value.getNumberValue());
        case STRING_VALUE:
            return value.getStringValue() !== "";
        case BOOL_VALUE:
            return value.getBoolValue();
        case NULL_VALUE:
            return false;
        default:
            return true;
    }
}

/**
 * The properties a Struct holds, as @pulumi/policy's deserializeProperties(struct, false) returns
 * them, or undefined when they hold something other than plain values and secrets.
 */
export function decodeProperties(struct: object): Record<string, unknown> | undefined {
    try {
        // The top level is a property map, never a signed value.
        return decodeFields((struct as StructMessage).getFieldsMap());
    } catch (e) {
        if (e === NOT_PLAIN) return undefined;
        throw e;
    }
}

// Checks that a recovery custodian's key is what Vault's `recovery_pgp_keys` takes: the base64 of one binary
// OpenPGP version 4 public key (`gpg --export <fingerprint> | base64 -w0`) that can encrypt. Vault encrypts
// each recovery share to one such key at init; a key it cannot use would make init fail, and a secret key
// pasted by mistake would leak a custodian's private material into the stack file.

const PUBLIC_KEY = 6;
const PUBLIC_SUBKEY = 14;
const USER_ID = 13;
const SECRET_KEY = 5;
const SECRET_SUBKEY = 7;
/** RFC 4880/9580 algorithms that encrypt: RSA, RSA encrypt-only, ElGamal, ECDH, X25519, X448. */
const ENCRYPTING_ALGORITHMS = new Set([1, 2, 16, 18, 25, 26]);

interface Packet {
    tag: number;
    body: Buffer;
}

function packets(data: Buffer): Packet[] {
    const found: Packet[] = [];
    let at = 0;
    while (at < data.length) {
        const header = data[at]!;
        if ((header & 0x80) === 0) throw new Error(`byte ${at} is not an OpenPGP packet header`);
        let tag: number;
        let length: number;
        let start: number;
        if (header & 0x40) {
            tag = header & 0x3f;
            const first = data[at + 1];
            if (first === undefined) throw new Error("truncated packet header");
            if (first < 192) [length, start] = [first, at + 2];
            else if (first < 224) [length, start] = [((first - 192) << 8) + (data[at + 2] ?? 0) + 192, at + 3];
            else if (first === 255) [length, start] = [data.readUInt32BE(at + 2), at + 6];
            else throw new Error("partial body lengths are not used by key packets");
        } else {
            tag = (header >> 2) & 0x0f;
            const type = header & 0x03;
            if (type === 3) throw new Error("indeterminate packet lengths are not used by key packets");
            const size = [1, 2, 4][type]!;
            if (at + 1 + size > data.length) throw new Error("truncated packet header");
            length = size === 1 ? data[at + 1]! : size === 2 ? data.readUInt16BE(at + 1) : data.readUInt32BE(at + 1);
            start = at + 1 + size;
        }
        if (start + length > data.length) throw new Error(`packet ${found.length + 1} runs past the end of the key`);
        found.push({ tag, body: data.subarray(start, start + length) });
        at = start + length;
    }
    return found;
}

/** Why a value is not a usable recovery key for Vault, or undefined when it is one. */
export function openPgpPublicKeyProblem(value: string): string | undefined {
    if (/-----BEGIN PGP/.test(value))
        return "is ASCII-armoured; Vault takes the base64 of the binary key: gpg --export <fingerprint> | base64 -w0";
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0) return "is not base64 (gpg --export <fingerprint> | base64 -w0)";
    let list: Packet[];
    try {
        list = packets(Buffer.from(value, "base64"));
    } catch (error) {
        return `is not an OpenPGP key: ${(error as Error).message}`;
    }
    if (list.some((p) => p.tag === SECRET_KEY || p.tag === SECRET_SUBKEY)) return "holds secret key material; export the public key only";
    if (list[0]?.tag !== PUBLIC_KEY) return "does not start with an OpenPGP public key packet";
    if (list.filter((p) => p.tag === PUBLIC_KEY).length !== 1) return "holds more than one key; give one key per custodian";
    const keys = list.filter((p) => p.tag === PUBLIC_KEY || p.tag === PUBLIC_SUBKEY);
    if (keys.some((p) => p.body[0] !== 4)) return "is not a version 4 key, the version Vault reads";
    if (!list.some((p) => p.tag === USER_ID)) return "has no user ID";
    // Version 4 key body: version (1), creation time (4), algorithm (1).
    if (!keys.some((p) => ENCRYPTING_ALGORITHMS.has(p.body[5] ?? 0))) return "has no key that can encrypt (only signing keys)";
    return undefined;
}

import * as ipaddr from "ipaddr.js";

export interface ParsedCidr {
    text: string;
    range: [ipaddr.IPv4 | ipaddr.IPv6, number];
}

/** Parses an IPv4 or IPv6 CIDR; returns undefined when it is not one. */
export function parseCidr(text: string): ParsedCidr | undefined {
    if (typeof text !== "string" || !text.includes("/")) return undefined;
    // ipaddr.js also reads shorthand IPv4 such as 10.0.0/16, which AWS and Kubernetes reject.
    const address = text.slice(0, text.indexOf("/"));
    if (!address.includes(":") && !ipaddr.IPv4.isValidFourPartDecimal(address)) return undefined;
    try {
        return { text, range: ipaddr.parseCIDR(text) };
    } catch {
        return undefined;
    }
}

/** True when the CIDR's address has no bits set beyond its prefix (10.0.0.0/16, not 10.0.1.0/16). */
export function isNetworkAddress(cidr: ParsedCidr): boolean {
    const [address, prefix] = cidr.range;
    const network =
        address.kind() === "ipv4" ? ipaddr.IPv4.networkAddressFromCIDR(cidr.text) : ipaddr.IPv6.networkAddressFromCIDR(cidr.text);
    return network.toString() === address.toString() && prefix >= 0;
}

function contains(outer: ParsedCidr, inner: ParsedCidr): boolean {
    const [outerAddress, outerPrefix] = outer.range;
    const [innerAddress, innerPrefix] = inner.range;
    if (outerAddress.kind() !== innerAddress.kind()) return false;
    return innerPrefix >= outerPrefix && innerAddress.match(outer.range as never);
}

/** Two ranges overlap exactly when one contains the other. */
export function overlaps(a: ParsedCidr, b: ParsedCidr): boolean {
    return contains(a, b) || contains(b, a);
}

export function within(outer: ParsedCidr, inner: ParsedCidr): boolean {
    return contains(outer, inner);
}

/** Any range that admits every address, e.g. 0.0.0.0/0 or ::/0. */
export function isOpenToWorld(cidr: ParsedCidr): boolean {
    return cidr.range[1] === 0;
}

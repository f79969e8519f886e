// Kubernetes resource quantities (https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/).
const QUANTITY = /^([+]?[0-9.]+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

const SUFFIX: Record<string, number> = {
    "": 1,
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    P: 1e15,
    E: 1e18,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    Pi: 2 ** 50,
    Ei: 2 ** 60,
};

export function isQuantity(text: string): boolean {
    const match = QUANTITY.exec(text);
    return match !== null && !Number.isNaN(Number(match[1]));
}

/** The quantity's value in base units (cores, bytes); NaN when it is not a quantity. */
export function quantityValue(text: string): number {
    const match = QUANTITY.exec(text);
    if (!match) return Number.NaN;
    return Number(match[1]) * SUFFIX[match[2] ?? ""]!;
}

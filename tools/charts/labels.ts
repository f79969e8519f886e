// Label selectors as the API server reads them (NetworkPolicy peers, webhook and binding namespaceSelectors).

export interface LabelSelector {
    matchLabels?: Record<string, string>;
    matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** An unknown operator throws: a selector that cannot be read is never taken as matching or not. */
export function selectorMatches(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
    if (!selector) return true;
    for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (labels[key] !== value) return false;
    for (const expression of selector.matchExpressions ?? []) {
        const has = expression.key in labels;
        const value = labels[expression.key];
        switch (expression.operator) {
            case "In":
                if (!has || !(expression.values ?? []).includes(value)) return false;
                break;
            case "NotIn":
                if (has && (expression.values ?? []).includes(value)) return false;
                break;
            case "Exists":
                if (!has) return false;
                break;
            case "DoesNotExist":
                if (has) return false;
                break;
            default:
                throw new Error(`unknown selector operator ${expression.operator}`);
        }
    }
    return true;
}

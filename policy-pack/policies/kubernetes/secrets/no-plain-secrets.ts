import { ENCRYPTION_AT_REST } from "../../../lib/controls";
import { resourcePolicy } from "../../../lib/define";
import { isKind } from "../../../lib/kubernetes";
import { containersOf, isPodBearing, podTemplateOf, quoteList } from "../../../lib/pod-spec";
import { arr, obj } from "../../../lib/values";

const SECRET_NAME = /(pass(word|wd)?|secret|token|api[_-]?key|private[_-]?key|credential|access[_-]?key)/i;
// Names that point at a secret rather than hold one: RECOVERY_SECRET_ID, TOKEN_PATH, SECRET_NAME, KEY_ARN.
const REFERENCE_NAME = /[_.-](id|name|arn|path|file|dir|ref|url|uri|endpoint|audience|ttl|length)$/i;
const PRIVATE_KEY = /-----BEGIN ([A-Z ]+ )?PRIVATE KEY-----/;
// scheme://user:password@host
const CREDENTIAL_URL = /^[a-z][a-z0-9+.-]*:\/\/[^/:@\s]+:[^/@\s]+@/i;
const REDACTED = "[secret]";

function looksSecret(key: string, value: unknown): boolean {
    if (typeof value !== "string" || value === "" || value === REDACTED) return false;
    if (PRIVATE_KEY.test(value) || CREDENTIAL_URL.test(value)) return true;
    return SECRET_NAME.test(key) && !REFERENCE_NAME.test(key);
}

/** Secret values belong in a Secret (or Vault), not in a ConfigMap or a literal environment variable. */
export const noPlainSecrets = resourcePolicy({
    name: "k8s:secrets:no-plain-secrets",
    description: "No credentials in ConfigMaps or literal container environment variables.",
    severity: "high",
    remediation: "Move the value into a Secret (or Vault) and reference it with secretKeyRef / a Vault agent template.",
    controls: { ...ENCRYPTION_AT_REST, "CIS EKS": ["4.4.1"] },
    appliesTo: (type) => isKind(type, "ConfigMap", ["core"]) || isPodBearing(type),
    check(resource, report) {
        if (isKind(resource.type, "ConfigMap", ["core"])) {
            const keys = Object.entries(obj(resource.props.data))
                .filter(([k, v]) => looksSecret(k, v))
                .map(([k]) => k);
            if (keys.length) report.violation(`ConfigMap keys ${quoteList(keys)} hold what looks like a credential`);
            return;
        }
        const pod = podTemplateOf(resource.type, resource.props);
        if (!pod) return;
        for (const c of containersOf(pod.spec)) {
            const names = arr(c.container.env)
                .map(obj)
                .filter((e) => looksSecret(String(e.name ?? ""), e.value))
                .map((e) => String(e.name));
            if (names.length) report.violation(`container "${c.name}" sets credential-like env ${quoteList(names)} as a literal value`);
        }
    },
});

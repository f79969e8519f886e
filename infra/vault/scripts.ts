// Shell run by the platform's Vault jobs. They talk to Vault's HTTP API with curl and jq, keep every
// credential in a memory-backed directory, and never print one: `set -x` is never on, and secret values
// travel in files (curl -d @file, -H @file), never on a command line.

/** Shared helpers: an API call that verifies Vault's certificate, and a wait for the API to answer. */
const PRELUDE = `set -eu
umask 077
cd /work
api() { curl -sS --fail-with-body --retry 5 --retry-all-errors --cacert /vault-ca/ca.crt "$@"; }
wait_for_api() {
  i=0
  until api -o /dev/null "$1/v1/sys/health?standbyok=true&sealedcode=200&uninitcode=200"; do
    i=$((i + 1))
    [ "$i" -lt 120 ] || { echo "Vault at $1 did not answer within 10 minutes" >&2; exit 1; }
    sleep 5
  done
}
`;

/**
 * Creates a private CA and the server certificate once, as the Secret vault-tls, and publishes the CA
 * (public) as the ConfigMap vault-ca. The CA key never leaves the pod's memory: renewal issues a new CA.
 */
export function tlsScript(args: { namespace: string; dnsNames: string[]; ipAddresses: string[]; validityDays: number }): string {
    const san = [...args.dnsNames.map((d) => `DNS:${d}`), ...args.ipAddresses.map((ip) => `IP:${ip}`)].join(",");
    return `set -eu
umask 077
cd /work
if kubectl -n ${args.namespace} get secret vault-tls -o name >/dev/null 2>&1; then
  echo "vault-tls exists; keeping it"
else
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days ${args.validityDays} \\
    -subj "/CN=Vault CA (${args.namespace})" -keyout ca.key -out ca.crt \\
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" -addext "keyUsage=critical,keyCertSign,cRLSign"
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=vault.${args.namespace}.svc" \\
    -keyout tls.key -out tls.csr
  printf '%s\\n' "subjectAltName=${san}" "keyUsage=critical,digitalSignature,keyEncipherment" \\
    "extendedKeyUsage=serverAuth,clientAuth" "basicConstraints=critical,CA:FALSE" > server.ext
  openssl x509 -req -in tls.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days ${args.validityDays} \\
    -extfile server.ext -out tls.crt
  rm -f ca.key tls.csr
  kubectl -n ${args.namespace} create secret generic vault-tls --from-file=ca.crt --from-file=tls.crt --from-file=tls.key
  rm -f tls.key
  echo "vault-tls created"
fi
kubectl -n ${args.namespace} get secret vault-tls -o jsonpath='{.data.ca\\.crt}' | base64 -d > ca.pem
kubectl -n ${args.namespace} create configmap vault-ca --from-file=ca.crt=ca.pem --dry-run=client -o yaml | kubectl apply -f - >/dev/null
echo "vault-ca published"
`;
}

/**
 * Initialises Vault once. Order matters: the recovery material is stored (Secrets Manager on EKS) before
 * anything else, the deployer's login is set up with the root token, and the root token is then revoked.
 * An initialised Vault makes the job a no-op, so re-running it, or a second `pulumi up`, changes nothing.
 */
export function bootstrapScript(unseal: "aws-kms" | "insecure-local-shamir"): string {
    const initBody = unseal === "aws-kms" ? `'{"recovery_shares":5,"recovery_threshold":3}'` : `'{"secret_shares":1,"secret_threshold":1}'`;
    const store =
        unseal === "aws-kms"
            ? `aws secretsmanager put-secret-value --secret-id "$RECOVERY_SECRET_ID" --secret-string file:///work/init.json >/dev/null
echo "recovery keys and initial root token stored in Secrets Manager"`
            : `kubectl -n "$NAMESPACE" create secret generic vault-init-insecure-local --from-file=init.json=/work/init.json >/dev/null
echo "INSECURE (local only): unseal key stored in the Secret vault-init-insecure-local"
jq '{key: .keys_base64[0]}' init.json > unseal.json
api -o /dev/null -X PUT -d @unseal.json "$VAULT_ADDR/v1/sys/unseal"
rm -f unseal.json`;
    const deployerLogin =
        unseal === "aws-kms"
            ? `# The deployer logs in with its own AWS identity (IAM auth): no long-lived Vault token exists.
printf '%s' '{"type":"aws","description":"platform deployer (pulumi up)"}' > body.json
api -o /dev/null -H @root.header -X POST -d @body.json "$VAULT_ADDR/v1/sys/auth/aws"
# Regional STS on both sides: the deployer signs for sts.<region>, and Vault sends the request there.
jq -n --arg header "$AWS_AUTH_HEADER" --arg region "$AWS_REGION" \
  '{iam_server_id_header_value: $header, sts_region: $region, sts_endpoint: ("https://sts." + $region + ".amazonaws.com")}' > body.json
api -o /dev/null -H @root.header -X POST -d @body.json "$VAULT_ADDR/v1/auth/aws/config/client"
jq -n --argjson principals "$DEPLOYER_PRINCIPALS" --arg policy "$DEPLOYER_POLICY_NAME" \\
  '{auth_type: "iam", bound_iam_principal_arn: $principals, resolve_aws_unique_ids: false,
    token_policies: [$policy], token_no_default_policy: true, token_ttl: 1800, token_max_ttl: 3600}' > body.json
api -o /dev/null -H @root.header -X POST -d @body.json "$VAULT_ADDR/v1/auth/aws/role/$DEPLOYER_POLICY_NAME"
echo "AWS IAM login for the deployer configured"`
            : `# Local only: an orphan token with the deployer policy, kept in a Secret that only cluster admins read.
jq -n --arg policy "$DEPLOYER_POLICY_NAME" '{policies: [$policy], no_default_policy: true, ttl: "768h", display_name: "platform-deployer"}' > body.json
api -H @root.header -X POST -d @body.json "$VAULT_ADDR/v1/auth/token/create-orphan" | jq -j .auth.client_token > deployer.token
kubectl -n "$NAMESPACE" create secret generic vault-deployer-token-insecure-local --from-file=token=/work/deployer.token >/dev/null
rm -f deployer.token
echo "INSECURE (local only): deployer token stored in the Secret vault-deployer-token-insecure-local"`;
    return `${PRELUDE}
wait_for_api "$VAULT_ADDR"
if [ "$(api "$VAULT_ADDR/v1/sys/init" | jq -r .initialized)" = "true" ]; then
  echo "Vault is already initialised; nothing to do"
  exit 0
fi
printf '%s' ${initBody} > body.json
api -X PUT -d @body.json "$VAULT_ADDR/v1/sys/init" > init.json
${store}
jq -j '"X-Vault-Token: " + .root_token' init.json > root.header
rm -f init.json
i=0
until api -o /dev/null "$VAULT_ADDR/v1/sys/health"; do
  i=$((i + 1)); [ "$i" -lt 60 ] || { echo "Vault did not become active" >&2; exit 1; }; sleep 5
done
jq -n --arg policy "$DEPLOYER_POLICY" '{policy: $policy}' > body.json
api -o /dev/null -H @root.header -X PUT -d @body.json "$VAULT_ADDR/v1/sys/policies/acl/$DEPLOYER_POLICY_NAME"
${deployerLogin}
api -o /dev/null -H @root.header -X POST "$VAULT_ADDR/v1/auth/token/revoke-self"
rm -f root.header body.json
echo "root token revoked; bootstrap complete"
`;
}

/** Local only: unseals every sealed server pod with the key the bootstrap job stored. */
export function unsealScript(replicas: number, namespace: string): string {
    const pods = Array.from({ length: replicas }, (_, i) => `https://vault-${i}.vault-internal.${namespace}.svc:8200`).join(" ");
    return `${PRELUDE}
[ -s /vault-init/init.json ] || { echo "no unseal key yet (Vault not initialised)"; exit 0; }
jq '{key: .keys_base64[0]}' /vault-init/init.json > unseal.json
for pod in ${pods}; do
  if [ "$(api "$pod/v1/sys/seal-status" | jq -r .sealed)" = "true" ]; then
    api -o /dev/null -X PUT -d @unseal.json "$pod/v1/sys/unseal" && echo "unsealed $pod"
  fi
done
rm -f unseal.json
`;
}

/** Logs in with Kubernetes auth (role vault-snapshot), saves a Raft snapshot, uploads it, revokes the token. */
export function snapshotScript(target: "s3" | "volume"): string {
    const upload =
        target === "s3"
            ? `aws s3 cp "$file" "s3://$BUCKET/snapshots/$(basename "$file")" --sse aws:kms --sse-kms-key-id "$KMS_KEY_ARN" --only-show-errors
echo "snapshot uploaded to s3://$BUCKET/snapshots/$(basename "$file")"`
            : `cp "$file" /snapshots/
find /snapshots -name 'vault-*.snap' -mtime +"$RETENTION_DAYS" -delete
echo "snapshot saved to /snapshots/$(basename "$file")"`;
    return `${PRELUDE}
jq -n --arg role "$VAULT_ROLE" --rawfile jwt /var/run/secrets/vault/token '{role: $role, jwt: ($jwt | rtrimstr("\\n"))}' > login.json
api -X POST -d @login.json "$VAULT_ADDR/v1/auth/kubernetes/login" | jq -j '"X-Vault-Token: " + .auth.client_token' > token.header
rm -f login.json
file="/work/vault-$(date -u +%Y%m%dT%H%M%SZ).snap"
api -H @token.header -o "$file" "$VAULT_ADDR/v1/sys/storage/raft/snapshot"
[ -s "$file" ] || { echo "empty snapshot" >&2; exit 1; }
${upload}
api -o /dev/null -H @token.header -X POST "$VAULT_ADDR/v1/auth/token/revoke-self"
rm -f token.header "$file"
`;
}

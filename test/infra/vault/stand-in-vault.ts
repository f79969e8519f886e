// A stand-in for Vault's HTTP API over TLS, with state: what the bootstrap and reconciler jobs write is
// kept and read back in Vault's response shapes, and every request with a non-root token is judged by the
// policies the stand-in holds (HashiCorp's HCL parser, Vault's path-priority rules, allowed_parameters),
// so a job that lacks a permission fails here as it would against Vault.
import { execFile, execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { capabilitiesOn, parametersAllowed, parsePolicy, type AclRule } from "./vault-acl";

export const ROOT_TOKEN = "hvs.root-token-from-init-0123456789";
export const RECOVERY_KEY = "cmVjb3Zlcnkta2V5LW9uZS1zaG91bGQtbmV2ZXItYmUtcHJpbnRlZA==";
export const UNSEAL_KEY = "dW5zZWFsLWtleS1zaG91bGQtbmV2ZXItYmUtcHJpbnRlZA==";
export const FIXTURES = join(__dirname, "fixtures");

export interface Recorded {
    method: string;
    path: string;
    token?: string;
    body: string;
    status: number;
}

type Data = Record<string, unknown>;

export class StandInVault {
    readonly requests: Recorded[] = [];
    initialized = false;
    sealed = false;
    /** Generic paths (policies, roles, engine configs, keys...) in the shape Vault returns under `data`. */
    readonly store = new Map<string, Data>();
    readonly mounts = new Map<string, Data>();
    readonly audit = new Map<string, Data>();
    readonly auth = new Map<string, Data>();
    /** The database connection's password as Vault holds it (sent once, then rotated). */
    readonly databasePasswords = new Map<string, string>();
    /** "METHOD /v1/path" -> how many more times to answer 500 (Infinity: always). */
    readonly failures = new Map<string, number>();
    private readonly tokens = new Map<string, string[]>();
    private server?: Server;
    private issued = 0;

    async start(key: Buffer, cert: Buffer): Promise<string> {
        this.server = createServer({ key, cert }, (req, res) => {
            let body = "";
            req.on("data", (chunk) => (body += chunk));
            req.on("end", () => {
                void this.handle(
                    req.method ?? "",
                    new URL(req.url ?? "/", "https://vault"),
                    req.headers["x-vault-token"] as string,
                    body,
                ).then(([status, value]) => {
                    this.requests.push({
                        method: req.method ?? "",
                        path: new URL(req.url ?? "/", "https://vault").pathname,
                        token: req.headers["x-vault-token"] as string,
                        body,
                        status,
                    });
                    res.writeHead(status, { "content-type": "application/json" });
                    res.end(value === undefined ? "" : Buffer.isBuffer(value) ? value : JSON.stringify(value));
                });
            });
        });
        await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
        return `https://localhost:${(this.server!.address() as AddressInfo).port}`;
    }

    stop(): Promise<void> {
        return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    }

    reset(): void {
        this.initialized = false;
        this.sealed = false;
        for (const map of [this.store, this.mounts, this.audit, this.auth, this.databasePasswords, this.failures, this.tokens]) map.clear();
        this.requests.length = 0;
    }

    /** Requests that change something (not reads, lists, health probes, logins or revoking one's own token). */
    changes(since = 0): Recorded[] {
        return this.requests
            .slice(since)
            .filter(
                (r) => !["GET", "LIST"].includes(r.method) && !["/v1/auth/kubernetes/login", "/v1/auth/token/revoke-self"].includes(r.path),
            );
    }

    private readonly policyCache = new Map<string, Promise<AclRule[]>>();
    /** HashiCorp's parser is slow to start; a policy text is parsed once. */
    private parsed(policy: string): Promise<AclRule[]> {
        let rules = this.policyCache.get(policy);
        if (!rules) this.policyCache.set(policy, (rules = parsePolicy(policy)));
        return rules;
    }

    private async allowed(token: string | undefined, capability: string, path: string, body: Data | undefined): Promise<boolean> {
        if (token === ROOT_TOKEN && this.tokens.has(ROOT_TOKEN)) return true;
        const policies = token ? this.tokens.get(token) : undefined;
        if (!policies) return false;
        const parsed: AclRule[][] = [];
        for (const name of policies) {
            const policy = this.store.get(`sys/policies/acl/${name}`)?.policy;
            if (typeof policy === "string") parsed.push(await this.parsed(policy));
        }
        const sudo = path === "sys/audit" || path.startsWith("sys/audit/");
        return parsed.some(
            (rules) =>
                capabilitiesOn(rules, path).includes(capability) &&
                (!sudo || capabilitiesOn(rules, path).includes("sudo")) &&
                (!body || parametersAllowed(rules, path, body)),
        );
    }

    private async handle(verb: string, url: URL, token: string | undefined, text: string): Promise<[number, unknown?]> {
        // Vault takes LIST as a method or as GET with ?list=true (the form clients without custom methods use).
        const method = verb === "GET" && url.searchParams.get("list") === "true" ? "LIST" : verb;
        const key = `${method} ${url.pathname}`;
        const left = this.failures.get(key) ?? 0;
        if (left > 0) {
            this.failures.set(key, left - 1);
            return [500, { errors: ["injected failure"] }];
        }
        const body = text ? (JSON.parse(text) as Data) : undefined;
        const path = url.pathname.replace(/^\/v1\//, "");
        switch (`${method} ${path}`) {
            case "GET sys/health":
                if (this.initialized && !this.sealed) return [200, {}];
                return [Number(url.searchParams.get(this.initialized ? "sealedcode" : "uninitcode") ?? 501), {}];
            case "GET sys/init":
                return [200, { initialized: this.initialized }];
            case "PUT sys/init": {
                if (this.initialized) return [400, { errors: ["Vault is already initialized"] }];
                const request = body as { recovery_shares?: number; recovery_threshold?: number; recovery_pgp_keys?: string[] };
                if (request.recovery_pgp_keys && request.recovery_pgp_keys.length !== request.recovery_shares)
                    return [400, { errors: ["incorrect number of PGP keys for recovery"] }];
                this.initialized = true;
                this.tokens.set(ROOT_TOKEN, ["root"]);
                if (!request.recovery_shares) return [200, { keys: ["bb"], keys_base64: [UNSEAL_KEY], root_token: ROOT_TOKEN }];
                // With custodian keys Vault returns each share encrypted to its key; here a marker stands in for that.
                const shares = request.recovery_pgp_keys
                    ? request.recovery_pgp_keys.map((_, i) => `pgp-encrypted-share-${i}`)
                    : Array.from({ length: request.recovery_shares }, () => RECOVERY_KEY);
                return [200, { keys: [], keys_base64: [], recovery_keys: shares, recovery_keys_base64: shares, root_token: ROOT_TOKEN }];
            }
            case "GET sys/seal-status":
                return [200, { sealed: this.sealed }];
            case "PUT sys/unseal":
                if (body?.key !== UNSEAL_KEY) return [400, { errors: ["wrong key"] }];
                this.sealed = false;
                return [200, { sealed: false }];
            case "POST auth/kubernetes/login": {
                const role = this.store.get(`auth/kubernetes/role/${String(body?.role)}`);
                if (!this.auth.has("kubernetes/") || !role || !body?.jwt) return [403, { errors: ["permission denied"] }];
                const issued = `hvs.k8s-token-${++this.issued}`;
                this.tokens.set(issued, role.token_policies as string[]);
                return [200, { auth: { client_token: issued, policies: role.token_policies } }];
            }
            case "POST auth/token/revoke-self":
                if (!token || !this.tokens.delete(token)) return [403, { errors: ["permission denied"] }];
                return [204];
        }
        const capability =
            method === "GET"
                ? "read"
                : method === "LIST"
                  ? "list"
                  : method === "DELETE"
                    ? "delete"
                    : this.exists(path)
                      ? "update"
                      : "create";
        if (!(await this.allowed(token, capability, path, capability === "create" || capability === "update" ? body : undefined)))
            return [403, { errors: ["1 error occurred:\n\t* permission denied\n\n"] }];
        return this.operate(method, path, body ?? {});
    }

    /** Whether a write is a create (Vault asks only of paths with an existence check; actions are updates). */
    private exists(path: string): boolean {
        if (/\/rotate-root\//.test(path)) return true;
        const mount = /^sys\/mounts\/([^/]+)$/.exec(path);
        if (mount) return this.mounts.has(`${mount[1]}/`);
        const audit = /^sys\/audit\/([^/]+)$/.exec(path);
        if (audit) return this.audit.has(`${audit[1]}/`);
        const transitConfig = /^(transit\/keys\/[^/]+)\/config$/.exec(path);
        if (transitConfig) return this.store.has(transitConfig[1]!);
        return this.store.has(path);
    }

    private operate(method: string, path: string, body: Data): [number, unknown?] {
        const listing = (prefix: string, extra: string[] = []) => {
            const keys = [...this.store.keys()].filter((k) => k.startsWith(`${prefix}/`)).map((k) => k.slice(prefix.length + 1));
            const direct = [...new Set([...extra, ...keys.filter((k) => !k.includes("/"))])].sort();
            return direct.length === 0
                ? ([404, { errors: [] }] as [number, unknown])
                : ([200, { data: { keys: direct } }] as [number, unknown]);
        };
        let match: RegExpExecArray | null;
        if (method === "GET" && path === "sys/mounts") return [200, { data: Object.fromEntries(this.mounts) }];
        if (method === "GET" && path === "sys/audit") return [200, { data: Object.fromEntries(this.audit) }];
        if (method === "GET" && path === "sys/auth") return [200, { data: Object.fromEntries(this.auth) }];
        if ((match = /^sys\/mounts\/([^/]+)$/.exec(path)) && method === "POST") {
            if (this.mounts.has(`${match[1]}/`)) return [400, { errors: [`path is already in use at ${match[1]}/`] }];
            this.mounts.set(`${match[1]}/`, { type: body.type, description: body.description ?? "", options: body.options ?? {} });
            if (body.type === "kv")
                this.store.set(`${match[1]}/config`, { max_versions: 0, cas_required: false, delete_version_after: "0s" });
            return [204];
        }
        if ((match = /^sys\/mounts\/([^/]+)\/tune$/.exec(path)) && method === "POST") {
            const mount = this.mounts.get(`${match[1]}/`);
            if (!mount) return [400, { errors: ["no mount"] }];
            Object.assign(mount, {
                description: body.description ?? mount.description,
                options: { ...(mount.options as Data), ...(body.options as Data) },
            });
            return [204];
        }
        if ((match = /^sys\/audit\/([^/]+)$/.exec(path))) {
            const id = `${match[1]}/`;
            if (method === "DELETE") return this.audit.delete(id) ? [204] : [204];
            if (this.audit.has(id)) return [400, { errors: [`path already in use`] }];
            this.audit.set(id, {
                type: body.type,
                description: body.description ?? "",
                options: body.options ?? {},
                path: id,
                local: false,
            });
            return [204];
        }
        if ((match = /^sys\/auth\/([^/]+)$/.exec(path)) && method === "POST") {
            this.auth.set(`${match[1]}/`, { type: body.type, description: body.description });
            return [204];
        }
        if (method === "LIST") {
            if (path === "sys/policies/acl") return listing(path, ["default", "root"]);
            return listing(path);
        }
        if ((match = /^(transit\/keys\/[^/]+)\/config$/.exec(path))) {
            const key = this.store.get(match[1]!);
            if (!key) return [400, { errors: ["no such key"] }];
            Object.assign(key, body);
            return [204];
        }
        if ((match = /^transit\/keys\/([^/]+)$/.exec(path))) {
            if (method === "DELETE") {
                if (this.store.get(path)?.deletion_allowed !== true) return [400, { errors: ["deletion is not allowed for this key"] }];
                this.store.delete(path);
                return [204];
            }
            if (method === "GET") return this.store.has(path) ? [200, { data: this.store.get(path) }] : [404, { errors: [] }];
            if (!this.store.has(path))
                this.store.set(path, {
                    name: match[1],
                    type: body.type ?? "aes256-gcm96",
                    exportable: false,
                    deletion_allowed: false,
                    allow_plaintext_backup: false,
                    auto_rotate_period: 0,
                });
            return [204];
        }
        if ((match = /^database\/config\/([^/]+)$/.exec(path)) && method === "POST") {
            const existing = this.store.get(path) as { connection_details?: Data } | undefined;
            const { plugin_name, allowed_roles, verify_connection, root_rotation_statements, password, ...details } = body;
            if (!existing && typeof password !== "string") return [400, { errors: ["password is required to create the connection"] }];
            if (typeof password === "string") this.databasePasswords.set(match[1]!, password);
            this.store.set(path, {
                plugin_name: plugin_name ?? (existing as Data | undefined)?.plugin_name,
                allowed_roles: allowed_roles ?? [],
                verify_connection: verify_connection ?? true,
                root_credentials_rotate_statements: root_rotation_statements ?? [],
                // Vault merges an update into the stored connection details, so an omitted password stays.
                connection_details: { ...(existing?.connection_details ?? {}), ...details },
                password_policy: "",
            });
            return [204];
        }
        if ((match = /^database\/rotate-root\/([^/]+)$/.exec(path)) && method === "POST") {
            if (!this.databasePasswords.has(match[1]!)) return [400, { errors: ["no connection"] }];
            this.databasePasswords.set(match[1]!, "rotated-by-vault");
            return [204];
        }
        if (/^database\/(static-)?roles\/[^/]+$/.test(path) && method === "POST") {
            if (!this.store.has(`database/config/${String(body.db_name)}`))
                return [400, { errors: [`no such connection: ${String(body.db_name)}`] }];
        }
        if (/^sys\/policies\/acl\/[^/]+$/.test(path) && method !== "DELETE" && method !== "GET") {
            this.store.set(path, { name: path.split("/").pop(), policy: body.policy });
            return [204];
        }
        if (method === "GET") return this.store.has(path) ? [200, { data: this.store.get(path) }] : [404, { errors: [] }];
        if (method === "DELETE") {
            this.store.delete(path);
            return [204];
        }
        this.store.set(path, { ...(this.store.get(path) ?? {}), ...body });
        return [204];
    }
}

export interface Sandbox {
    dir: string;
    state: string;
    work: string;
}

export function sandbox(): Sandbox {
    const dir = mkdtempSync(join(tmpdir(), "vault-job-"));
    const state = join(dir, "state");
    const work = join(dir, "work");
    mkdirSync(state);
    mkdirSync(work);
    writeFileSync(join(state, "calls"), "");
    return { dir, state, work };
}

/** A CA and a server certificate for localhost, so curl verifies the stand-in as the jobs verify Vault. */
export function serverCertificate(dir: string): { caFile: string; key: Buffer; cert: Buffer } {
    const ssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
    ssl(
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=test CA",
        "-keyout",
        "ca.key",
        "-out",
        "ca.crt",
    );
    ssl(
        "req",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-subj",
        "/CN=localhost",
        "-keyout",
        "tls.key",
        "-out",
        "tls.csr",
    );
    writeFileSync(join(dir, "ext"), "subjectAltName=DNS:localhost\nbasicConstraints=critical,CA:FALSE\n");
    ssl(
        "x509",
        "-req",
        "-in",
        "tls.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "1",
        "-extfile",
        "ext",
        "-out",
        "tls.crt",
    );
    return { caFile: join(dir, "ca.crt"), key: readFileSync(join(dir, "tls.key")), cert: readFileSync(join(dir, "tls.crt")) };
}

export interface JobResult {
    code: number;
    stdout: string;
    stderr: string;
}

/**
 * Runs a job's script with its in-pod paths pointed into the sandbox and the stubs (kubectl, aws, and a
 * `sleep` that returns at once) first on PATH. Resolves with the exit code instead of throwing; a run still
 * going after `timeoutMs` is killed and reported with code -1.
 */
export async function runJob(
    box: Sandbox,
    script: string,
    env: Record<string, string>,
    paths: Record<string, string> = {},
    timeoutMs = 120_000,
): Promise<JobResult> {
    let text = script.replaceAll("/work", box.work);
    for (const [from, to] of Object.entries(paths)) text = text.replaceAll(from, to);
    rmSync(box.work, { recursive: true, force: true });
    mkdirSync(box.work);
    try {
        const { stdout, stderr } = await promisify(execFile)("sh", ["-c", text], {
            env: { PATH: `${FIXTURES}:${process.env.PATH}`, HOME: box.work, STATE: box.state, ...env },
            timeout: timeoutMs,
        });
        return { code: 0, stdout, stderr };
    } catch (error) {
        const failed = error as { code?: number | string; killed?: boolean; stdout?: string; stderr?: string };
        return { code: failed.killed ? -1 : Number(failed.code ?? 1), stdout: failed.stdout ?? "", stderr: failed.stderr ?? "" };
    }
}

export const calls = (box: Sandbox) => readFileSync(join(box.state, "calls"), "utf8").split("\n").filter(Boolean);

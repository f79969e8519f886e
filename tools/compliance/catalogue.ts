// The framework controls in scope for a platform of this kind, with their titles. The compliance matrix
// lists, for each, what enforces it; a control here that no policy serves is reported as not covered.
// `outsidePolicy` marks controls that are met by process or documents rather than by a deployable check.

export interface CatalogueControl {
  id: string;
  title: string;
  outsidePolicy?: string;
}

export const CATALOGUE: Record<string, CatalogueControl[]> = {
  "SOC 2": [
    { id: "CC6.1", title: "Logical access security, encryption of data at rest" },
    { id: "CC6.2", title: "User registration and authorisation before access" },
    { id: "CC6.3", title: "Role-based access, least privilege, removal of access" },
    { id: "CC6.6", title: "Protection against threats from outside the system boundary" },
    { id: "CC6.7", title: "Restriction and protection of data in transmission" },
    { id: "CC6.8", title: "Prevention or detection of unauthorised or malicious software" },
    { id: "CC7.1", title: "Detection of configuration changes and vulnerabilities" },
    { id: "CC7.2", title: "Monitoring of system components for anomalies" },
    { id: "CC7.3", title: "Evaluation of security events" },
    { id: "CC7.4", title: "Incident response", outsidePolicy: "the playbooks in docs/runbooks/ and the alert routing" },
    { id: "CC8.1", title: "Authorised, tested and approved changes" },
    { id: "A1.1", title: "Capacity: current processing capacity and use are maintained" },
    { id: "A1.2", title: "Backup and recovery infrastructure" },
  ],
  "ISO 27001:2022": [
    { id: "A.5.15", title: "Access control" },
    { id: "A.5.17", title: "Authentication information" },
    { id: "A.5.23", title: "Information security for use of cloud services" },
    { id: "A.8.2", title: "Privileged access rights" },
    { id: "A.8.3", title: "Information access restriction" },
    { id: "A.8.5", title: "Secure authentication" },
    { id: "A.8.6", title: "Capacity management" },
    { id: "A.8.7", title: "Protection against malware" },
    { id: "A.8.8", title: "Management of technical vulnerabilities" },
    { id: "A.8.9", title: "Configuration management" },
    { id: "A.8.12", title: "Data leakage prevention" },
    { id: "A.8.13", title: "Information backup" },
    { id: "A.8.15", title: "Logging" },
    { id: "A.8.16", title: "Monitoring activities" },
    { id: "A.8.19", title: "Installation of software on operational systems" },
    { id: "A.8.20", title: "Networks security" },
    { id: "A.8.22", title: "Segregation of networks" },
    { id: "A.8.24", title: "Use of cryptography" },
    { id: "A.8.32", title: "Change management" },
  ],
  HIPAA: [
    { id: "164.312(a)(1)", title: "Access control" },
    { id: "164.312(a)(2)(i)", title: "Unique user identification" },
    { id: "164.312(a)(2)(ii)", title: "Emergency access procedure", outsidePolicy: "docs/vault.md recovery and break-glass procedure" },
    { id: "164.312(a)(2)(iv)", title: "Encryption and decryption" },
    { id: "164.312(b)", title: "Audit controls" },
    { id: "164.312(c)(1)", title: "Integrity" },
    { id: "164.312(d)", title: "Person or entity authentication" },
    { id: "164.312(e)(1)", title: "Transmission security" },
  ],
  GDPR: [
    { id: "Art. 32(1)(a)", title: "Pseudonymisation and encryption of personal data" },
    { id: "Art. 32(1)(b)", title: "Confidentiality, integrity, availability and resilience" },
    { id: "Art. 32(1)(c)", title: "Restore availability and access after an incident" },
    { id: "Art. 32(1)(d)", title: "Regular testing and evaluation of security measures" },
  ],
  "CIS EKS": [
    { id: "2.1.1", title: "Enable audit logs" },
    { id: "4.1.1", title: "cluster-admin role only where required" },
    { id: "4.1.2", title: "Minimize access to secrets" },
    { id: "4.1.3", title: "Minimize wildcard use in Roles and ClusterRoles" },
    { id: "4.1.6", title: "Service account tokens mounted only where necessary" },
    { id: "4.2", title: "Pod Security Standards" },
    { id: "4.2.1", title: "Minimize the admission of privileged containers" },
    { id: "4.2.2", title: "Minimize containers sharing the host process ID namespace" },
    { id: "4.2.3", title: "Minimize containers sharing the host IPC namespace" },
    { id: "4.2.4", title: "Minimize containers sharing the host network namespace" },
    { id: "4.2.5", title: "Minimize containers with allowPrivilegeEscalation" },
    { id: "4.2.6", title: "Minimize root containers" },
    { id: "4.2.7", title: "Minimize containers with the NET_RAW capability" },
    { id: "4.2.8", title: "Minimize containers with added capabilities" },
    { id: "4.2.9", title: "Minimize containers with capabilities assigned" },
    { id: "4.3.1", title: "The CNI supports network policies" },
    { id: "4.3.2", title: "All namespaces have network policies" },
    { id: "4.4.1", title: "Secrets as files rather than environment variables" },
    { id: "4.4.2", title: "External secret storage" },
    { id: "4.6.1", title: "Administrative boundaries between resources using namespaces" },
    { id: "4.6.2", title: "Security context applied to pods and containers" },
    { id: "5.1.1", title: "Image vulnerability scanning" },
    { id: "5.1.2", title: "Minimize user access to the container registry" },
    { id: "5.1.4", title: "Container registries limited to approved ones" },
    { id: "5.3.1", title: "Kubernetes secrets encrypted with customer-managed KMS keys" },
    { id: "5.4.1", title: "Restrict access to the control plane endpoint" },
    { id: "5.4.2", title: "Private endpoint enabled, public access disabled or restricted" },
    { id: "5.4.3", title: "Cluster nodes in private subnets" },
    { id: "5.4.4", title: "Network policy enabled and set as appropriate" },
    { id: "5.4.5", title: "TLS for load balancer traffic" },
  ],
  PSS: [
    ...["host-process", "host-namespaces", "privileged-containers", "capabilities", "hostpath-volumes", "host-ports", "host-probes", "apparmor", "selinux", "proc-mount-type", "seccomp", "sysctls"]
      .map((control) => ({ id: `baseline/${control}`, title: `Baseline: ${control.replace(/-/g, " ")}` })),
    ...["volume-types", "privilege-escalation", "running-as-non-root", "running-as-non-root-user", "seccomp", "capabilities"]
      .map((control) => ({ id: `restricted/${control}`, title: `Restricted: ${control.replace(/-/g, " ")}` })),
  ],
};

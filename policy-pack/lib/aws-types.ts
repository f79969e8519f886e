// Type tokens that several AWS policies judge, each resource under every token @pulumi/aws 7 registers:
// the current module, the `alb` module's twin, and the aliases older programs' state still carries.

/** OpenSearch Service domains, under the current and the legacy Elasticsearch resource. */
export const SEARCH_DOMAIN_TYPES = ["aws:opensearch/domain:Domain", "aws:elasticsearch/domain:Domain"];

export const LOAD_BALANCER_TYPES = [
    "aws:lb/loadBalancer:LoadBalancer",
    "aws:alb/loadBalancer:LoadBalancer",
    "aws:elasticloadbalancingv2/loadBalancer:LoadBalancer",
    "aws:applicationloadbalancing/loadBalancer:LoadBalancer",
];

export const LISTENER_TYPES = [
    "aws:lb/listener:Listener",
    "aws:alb/listener:Listener",
    "aws:elasticloadbalancingv2/listener:Listener",
    "aws:applicationloadbalancing/listener:Listener",
];

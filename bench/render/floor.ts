// The floor: a fresh process that only loads the SDK and the providers the program uses.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";

// Touch the lazily loaded modules the program uses, so the floor pays for loading them too.
const loaded = [
    pulumi.ComponentResource,
    aws.eks.Cluster,
    aws.ec2.Vpc,
    aws.kms.Key,
    aws.iam.Role,
    k8s.core.v1.Namespace,
    k8s.helm.v3.Release,
];
process.stdout.write(`${loaded.length}\n`);

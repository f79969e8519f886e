// The StorageClass every claim of the platform names on EKS, as a pure function of its inputs.
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

/** The one name of the class: the EKS cluster creates it, Vault and monitoring claims name it. */
export const EKS_STORAGE_CLASS = "gp3-encrypted";
export const DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class";
/** The EBS CSI driver's provisioner name (the managed add-on aws-ebs-csi-driver). */
export const EBS_CSI_PROVISIONER = "ebs.csi.aws.com";

export interface EbsStorageClassArgs {
    /** The customer key every volume is encrypted with (the cluster's volumes key). */
    kmsKeyArn: pulumi.Input<string>;
    /**
     * Retain (staging, prod): deleting a claim, or the StatefulSet's Retain policy being overridden by hand,
     * never deletes Vault's Raft data, its audit log or Prometheus's history; the volume stays, encrypted,
     * until someone deletes it on purpose. Delete (dev): `pulumi destroy` leaves no volumes behind.
     */
    reclaimPolicy: "Retain" | "Delete";
}

/**
 * gp3 through the EBS CSI driver, encrypted with the stack's key. Default class too, so that a claim
 * written without a class (a chart the platform does not configure) is encrypted as well. Volumes are
 * created in the zone of the pod that first uses them (EBS volumes are zonal), and can grow.
 */
export function ebsStorageClass(args: EbsStorageClassArgs): k8s.types.input.storage.v1.StorageClass {
    return {
        apiVersion: "storage.k8s.io/v1",
        kind: "StorageClass",
        metadata: { name: EKS_STORAGE_CLASS, annotations: { [DEFAULT_CLASS_ANNOTATION]: "true" } },
        provisioner: EBS_CSI_PROVISIONER,
        parameters: { type: "gp3", encrypted: "true", kmsKeyId: args.kmsKeyArn },
        reclaimPolicy: args.reclaimPolicy,
        volumeBindingMode: "WaitForFirstConsumer",
        allowVolumeExpansion: true,
    };
}

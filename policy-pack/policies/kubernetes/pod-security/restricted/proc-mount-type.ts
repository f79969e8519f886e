import { pssControls } from "../../../../lib/controls";
import { procMountViolations } from "../baseline/proc-mount-type";
import { podSecurityControl } from "../define";

/**
 * The restricted level keeps the default /proc masks for every pod, user-namespaced or not: from 1.35
 * check_procMount_restricted.go (procMount_restricted, overriding the relaxed baseline check); through
 * 1.34 the baseline check itself is unconditional, so the verdict is the same at every version.
 */
export const procMountTypeRestricted = podSecurityControl({
    name: "pss:restricted:proc-mount-type",
    description: "Containers must keep the default /proc masks (procMount unset or Default), user-namespaced pods included.",
    severity: "high",
    remediation: "Remove securityContext.procMount or set it to Default.",
    // The standard has one /proc mount type control, at baseline; restricted keeps it unrelaxed.
    controls: pssControls("baseline", "proc-mount-type"),
    overrides: ["pss:baseline:proc-mount-type"],
    judge: procMountViolations,
});

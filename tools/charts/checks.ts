// Every check of what reaches the cluster, over one stack's rendered charts and program.
import { checkPack } from "./pack";
import type { ChartRendering, CheckResult } from "./types";

export interface StackCheck {
  stack: string;
  objects: number;
  releases: { name: string; chart: string; version: string; objects: number }[];
  checks: (CheckResult & { summary: string })[];
}

/** A check that judged nothing has not passed: empty input is a finding, never a silent pass. */
function failClosed(result: CheckResult): CheckResult {
  if (result.judged > 0) return result;
  return { ...result, findings: [...result.findings, { check: result.check, subject: "(stack)", message: "judged nothing: the rendering holds nothing this check applies to" }] };
}

export async function runChartChecks(rendering: ChartRendering, packConfig: unknown): Promise<StackCheck> {
  const releases = rendering.releases.map((r) => ({ name: r.name, chart: r.chart, version: r.version, objects: r.objects.length }));
  const checks: StackCheck["checks"] = [];

  const { evaluation, ...packResult } = await checkPack(rendering, packConfig);
  const pack = failClosed(packResult);
  const report = evaluation.report;
  const advisory = report.violations.filter((v) => v.enforcementLevel === "advisory").length;
  checks.push({ ...pack, summary: `${pack.judged} resources judged, ${pack.findings.length} mandatory violations, ${advisory} advisory, ${report.exemptions.length} exemptions applied` });

  return { stack: rendering.stack, objects: releases.reduce((n, r) => n + r.objects, 0), releases, checks };
}

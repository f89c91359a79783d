/**
 * CI configuration readers and rules: GitHub Actions workflows and composite actions
 * ({@link dev.imprint.scan.ci.GithubWorkflowReader}), GitLab CI pipelines
 * ({@link dev.imprint.scan.ci.GitlabPipelineReader}) and Jenkinsfiles
 * ({@link dev.imprint.scan.ci.JenkinsfileReader}, a small line-oriented reader, not a Groovy
 * parser). The rules look for what turns a pipeline into a way to steal its identity:
 * over-broad tokens, unpinned third-party code, script injection, secrets echoed, sent away or
 * written into the file, long-lived cloud keys where OIDC federation would do, and mutable
 * job images. One {@link dev.imprint.scan.ci.CiAnalyzer} runs all three.
 */
package dev.imprint.scan.ci;

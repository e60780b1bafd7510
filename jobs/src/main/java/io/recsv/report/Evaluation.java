package io.recsv.report;

/**
 * How good the week's model was on its holdout, and the quality gate, as the published CSV's manifest and its
 * report record them: evaluate's {@code metrics} (with the gate's verdict and rules), and whether on-call
 * published the week although the gate refused it (evaluate.gate.force).
 */
public record Evaluation(EvaluationMetrics metrics, boolean publishedDespiteGate) {}

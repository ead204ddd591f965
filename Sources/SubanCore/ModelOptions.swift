import SubanLearning

extension SoftmaxRegression.Options {
    /// Chosen on voices the model never saw (`suban evaluate classifier --cross-voice`):
    /// - naive Bayes at 3 added 2 to 3 points of category accuracy on each voice (2 and 5
    ///   measured the same, as did other epochs, rates and L2);
    /// - the temperature brings the confidence bands back to where triage expects them;
    /// - pruning features whose weights stay within 1 of the row's mean cut the model by a
    ///   fifth (12.9 → 10.2 MB on 38,087 appeals) at no measurable cost; 1.5 cost a point.
    public static let classifier = Self(naiveBayes: 3, temperature: 1.75, pruneBelow: 1)
    /// Naive Bayes moved urgency along its recall–precision curve, not past it
    /// (the threshold does that), so the urgency model is the regression alone.
    public static let urgency = Self()
}

/// Recipes a run can name with `--recipe`, for a task rather than a model: they replace the model's
/// own recipe, and other flags then override them.
public enum RecipePreset: String, CaseIterable, Sendable {
    /// d2l 14.13, image classification on Kaggle's CIFAR-10 folder: resize to 40, a random resized crop
    /// of 32 at scale 0.64-1 and ratio 1, random flips, CIFAR-10's normalisation; SGD with momentum 0.9,
    /// the rate x0.9 every 4 epochs, batch 32, 20 epochs. d2l's lr 2e-4 and weight decay 5e-4 act on the
    /// batch's *summed* loss (`train_batch_ch13` calls `l.sum().backward()`); the zoo averages the loss, so
    /// the same steps are lr 2e-4 x 32 = 6.4e-3 and weight decay 5e-4 / 32.
    case kaggleCIFAR10 = "kaggle-cifar10"

    public var recipe: Recipe {
        switch self {
        case .kaggleCIFAR10:
            var recipe = Recipe(learningRate: 2e-4 * 32, momentum: 0.9, weightDecay: 5e-4 / 32, epochs: 20, batchSize: 32,
                                initialization: nil, resize: 40)
            recipe.schedule = .step(every: 4, gamma: 0.9)
            recipe.augmentation = ["resized-crop:32:0.64:1:1:1", "flip", "normalize:0.4914,0.4822,0.4465:0.2023,0.1994,0.201"]
            return recipe
        }
    }
}

import Experiments
import Foundation
import NeuralNetwork
import XCTest

/// The data sources of SPEC §3.1: synthetic generators, inline data, CSV
/// loading, the validation split and standardization.
final class DataTests: XCTestCase {
    // MARK: - Helpers

    /// The package's `data/` folder.
    private static let dataFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("data")

    private func classCounts(_ dataset: Dataset) -> [Int] {
        guard case .classification(let names) = dataset.task, let labels = dataset.labels else { return [] }
        var counts = [Int](repeating: 0, count: names.count)
        for label in labels { counts[label] += 1 }
        return counts
    }

    private func rows(_ dataset: Dataset, label: Int) -> [[Double]] {
        (0 ..< dataset.count).filter { dataset.labels?[$0] == label }.map { dataset.inputs.row($0) }
    }

    /// A fresh temporary folder, removed after the test.
    private func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("DataTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    private func mean(_ values: [Double]) -> Double {
        values.reduce(0, +) / Double(values.count)
    }

    private func populationStd(_ values: [Double]) -> Double {
        let m = mean(values)
        return (values.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(values.count)).squareRoot()
    }

    // MARK: - xor

    func testXorWithoutSamplesIsTheFourCornersInOrder() {
        let data = SyntheticData.xor(samples: nil, noise: 0, seed: 7)
        XCTAssertEqual(data.inputs.rowArrays, [[0, 0], [0, 1], [1, 0], [1, 1]])
        XCTAssertEqual(data.labels, [0, 1, 1, 0])
        XCTAssertEqual(data.task, .classification(classNames: ["0", "1"]))
        XCTAssertEqual(data.featureNames, ["x1", "x2"])
    }

    func testXorWithSamplesLabelsQuadrantsOfTheCleanPoint() {
        for samples in [1, 9, 200] {
            let clean = SyntheticData.xor(samples: samples, noise: 0, seed: 3)
            XCTAssertEqual(clean.count, samples)
            for i in 0 ..< samples {
                let x1 = clean.inputs[i, 0], x2 = clean.inputs[i, 1]
                XCTAssert((-1 ..< 1).contains(x1) && (-1 ..< 1).contains(x2), "row \(i): (\(x1), \(x2))")
                XCTAssertEqual(clean.labels?[i], x1 * x2 > 0 ? 1 : 0, "row \(i)")
            }
            // Noise is drawn after every clean point, so the labels stay those of the clean points.
            let noisy = SyntheticData.xor(samples: samples, noise: 0.3, seed: 3)
            XCTAssertEqual(noisy.labels, clean.labels)
            XCTAssertNotEqual(noisy.inputs, clean.inputs)
        }
        let balanced = classCounts(SyntheticData.xor(samples: 2000, noise: 0, seed: 0))
        XCTAssertEqual(Double(balanced[1]) / 2000, 0.5, accuracy: 0.05)
    }

    // MARK: - Sizes and balance

    func testTwoClassGeneratorsSplitSamplesAsMakeMoons() {
        for samples in [1, 2, 7, 100, 101] {
            let expected = [samples / 2, samples - samples / 2]
            let sets = [
                ("moons", SyntheticData.moons(samples: samples, noise: 0.1, seed: 1)),
                ("circles", SyntheticData.circles(samples: samples, noise: 0.1, seed: 1)),
                ("spirals", SyntheticData.spirals(samples: samples, noise: 0.1, seed: 1)),
            ]
            for (name, data) in sets {
                XCTAssertEqual(data.count, samples, "\(name) \(samples)")
                XCTAssertEqual(data.inputs.columns, 2, "\(name) \(samples)")
                XCTAssertEqual(classCounts(data), expected, "\(name) \(samples)")
                XCTAssertEqual(data.task, .classification(classNames: ["0", "1"]), name)
            }
        }
    }

    func testBlobsSplitSamplesAsMakeBlobs() {
        let cases: [(samples: Int, classes: Int, counts: [Int])] = [
            (10, 3, [4, 3, 3]), (11, 4, [3, 3, 3, 2]), (12, 3, [4, 4, 4]), (2, 3, [1, 1, 0]), (1, 2, [1, 0]),
        ]
        for c in cases {
            let data = SyntheticData.blobs(samples: c.samples, classes: c.classes, seed: 0)
            XCTAssertEqual(data.count, c.samples)
            XCTAssertEqual(classCounts(data), c.counts, "\(c)")
            XCTAssertEqual(data.task, .classification(classNames: (0 ..< c.classes).map(String.init)))
        }
        let wide = SyntheticData.blobs(samples: 30, classes: 2, features: 5, seed: 0)
        XCTAssertEqual(wide.inputs.columns, 5)
        XCTAssertEqual(wide.featureNames, ["x1", "x2", "x3", "x4", "x5"])
    }

    func testBlobsWithoutNoiseSitOnCentersInTheBox() {
        let data = SyntheticData.blobs(samples: 60, classes: 4, features: 3, noise: 0, seed: 5)
        var centers: [[Double]] = []
        for label in 0 ..< 4 {
            let points = rows(data, label: label)
            XCTAssertEqual(points.count, 15)
            XCTAssert(points.allSatisfy { $0 == points[0] }, "class \(label) is not one point")
            XCTAssert(points[0].allSatisfy { $0 >= -10 && $0 < 10 }, "center \(points[0]) outside the box")
            centers.append(points[0])
        }
        XCTAssertEqual(Set(centers.map { $0.description }).count, 4)
        // The spread is `noise`: per class, the std of each coordinate.
        let spread = SyntheticData.blobs(samples: 3000, classes: 1, features: 2, noise: 2, seed: 5)
        XCTAssertEqual(populationStd((0 ..< 3000).map { spread.inputs[$0, 1] }), 2, accuracy: 0.1)
    }

    func testGeneratorsShuffleSoClassesAreNotSorted() {
        for data in [SyntheticData.moons(samples: 100, noise: 0, seed: 0),
                     SyntheticData.circles(samples: 100, noise: 0, seed: 0),
                     SyntheticData.spirals(samples: 100, noise: 0, seed: 0),
                     SyntheticData.blobs(samples: 100, seed: 0)] {
            let labels = data.labels ?? []
            XCTAssertNotEqual(labels, labels.sorted())
            XCTAssertNotEqual(labels, labels.sorted(by: >))
        }
    }

    // MARK: - Geometry

    func testMoonsWithoutNoiseLieOnTheTwoHalfCircles() {
        for samples in [11, 100] {
            let data = SyntheticData.moons(samples: samples, noise: 0, seed: 2)
            let outer = rows(data, label: 0), inner = rows(data, label: 1)
            for p in outer {
                XCTAssertEqual(p[0] * p[0] + p[1] * p[1], 1, accuracy: 1e-12)
                XCTAssertGreaterThanOrEqual(p[1], 0)
            }
            for p in inner {
                XCTAssertEqual((p[0] - 1) * (p[0] - 1) + (p[1] - 0.5) * (p[1] - 0.5), 1, accuracy: 1e-12)
                XCTAssertLessThanOrEqual(p[1], 0.5 + 1e-12)
            }
            // The angles are NumPy's linspace(0, π, n): the x's are cos(iπ/(n−1)).
            let n = outer.count
            let expected = (0 ..< n).map { cos(Double($0) * Double.pi / Double(n - 1)) }.sorted()
            let actual = outer.map { $0[0] }.sorted()
            for (a, e) in zip(actual, expected) { XCTAssertEqual(a, e, accuracy: 1e-12) }
            XCTAssertEqual(outer.map { $0[0] }.max(), 1)  // t = 0 exactly
            XCTAssertEqual(inner.map { $0[0] }.min(), 0)  // 1 − cos 0
        }
    }

    func testCirclesWithoutNoiseHaveRadiusOneAndFactor() {
        for (samples, factor) in [(10, 0.5), (101, 0.3)] {
            let data = SyntheticData.circles(samples: samples, noise: 0, factor: factor, seed: 4)
            let outer = rows(data, label: 0), inner = rows(data, label: 1)
            for p in outer { XCTAssertEqual((p[0] * p[0] + p[1] * p[1]).squareRoot(), 1, accuracy: 1e-12) }
            for p in inner { XCTAssertEqual((p[0] * p[0] + p[1] * p[1]).squareRoot(), factor, accuracy: 1e-12) }
            // linspace(0, 2π, n, endpoint: false): angles i·2π/n, so no point repeats and (1, 0) is one of them.
            let angles = Set(outer.map { (atan2($0[1], $0[0]) + 2 * Double.pi).truncatingRemainder(dividingBy: 2 * Double.pi) })
            XCTAssertEqual(angles.count, outer.count)
            XCTAssert(outer.contains([1, 0]))
            let step = 2 * Double.pi / Double(outer.count)
            for a in angles {
                let k = (a / step).rounded()
                XCTAssertEqual(a, k * step, accuracy: 1e-9)
            }
        }
    }

    func testSpiralsWithoutNoiseFollowThePlaygroundFormula() {
        let samples = 200
        let data = SyntheticData.spirals(samples: samples, noise: 0, seed: 0)
        let m = Double(samples) / 2
        for (label, delta) in [(1, 0.0), (0, Double.pi)] {
            let points = rows(data, label: label)
            let radii = points.map { ($0[0] * $0[0] + $0[1] * $0[1]).squareRoot() }.sorted()
            for (i, r) in radii.enumerated() { XCTAssertEqual(r, Double(i) / m * 5, accuracy: 1e-12) }
            for p in points {
                let r = (p[0] * p[0] + p[1] * p[1]).squareRoot()
                guard r > 0 else { continue }
                let i = (r / 5 * m).rounded()
                let t = 1.75 * i / m * 2 * Double.pi + delta
                XCTAssertEqual(p[0], r * sin(t), accuracy: 1e-9, "class \(label)")
                XCTAssertEqual(p[1], r * cos(t), accuracy: 1e-9, "class \(label)")
            }
        }
    }

    func testSineWithoutNoiseIsSinX() {
        let data = SyntheticData.sine(samples: 101, noise: 0, seed: 9)
        XCTAssertEqual(data.task, .regression)
        XCTAssertNil(data.labels)
        XCTAssertEqual(data.inputs.columns, 1)
        XCTAssertEqual(data.targets?.columns, 1)
        XCTAssertEqual(data.count, 101)
        for i in 0 ..< data.count {
            let x = data.inputs[i, 0]
            XCTAssert(x >= -Double.pi && x < Double.pi)
            XCTAssertEqual(data.targets?[i, 0], sin(x))
        }
    }

    func testNoiseIsAddedAfterTheShuffleWithTheGivenScale() {
        // Same seed: same shuffle, so the difference between noisy and clean is the noise alone.
        let n = 4000
        let clean = SyntheticData.moons(samples: n, noise: 0, seed: 11)
        let noisy = SyntheticData.moons(samples: n, noise: 0.2, seed: 11)
        XCTAssertEqual(noisy.labels, clean.labels)
        let gaussian = zip(noisy.inputs.elements, clean.inputs.elements).map { $0 - $1 }
        XCTAssertEqual(mean(gaussian), 0, accuracy: 0.01)
        XCTAssertEqual(populationStd(gaussian), 0.2, accuracy: 0.01)

        // Spirals add uniform noise in [−noise, noise), as the Playground: std noise/√3.
        let spiralClean = SyntheticData.spirals(samples: n, noise: 0, seed: 11)
        let spiralNoisy = SyntheticData.spirals(samples: n, noise: 0.5, seed: 11)
        let uniform = zip(spiralNoisy.inputs.elements, spiralClean.inputs.elements).map { $0 - $1 }
        XCTAssert(uniform.allSatisfy { abs($0) <= 0.5 })
        XCTAssertEqual(populationStd(uniform), 0.5 / 3.0.squareRoot(), accuracy: 0.01)

        let sineClean = SyntheticData.sine(samples: n, noise: 0, seed: 11)
        let sineNoisy = SyntheticData.sine(samples: n, noise: 0.1, seed: 11)
        XCTAssertEqual(sineNoisy.inputs, sineClean.inputs)
        let residuals = zip(sineNoisy.targets?.elements ?? [], sineClean.targets?.elements ?? []).map { $0 - $1 }
        XCTAssertEqual(populationStd(residuals), 0.1, accuracy: 0.005)
    }

    // MARK: - Determinism

    func testSameSeedSameDataDifferentSeedDifferentData() {
        let generators: [(String, (Int) -> Dataset)] = [
            ("xor", { SyntheticData.xor(samples: 50, noise: 0.1, seed: $0) }),
            ("xor corners", { SyntheticData.xor(samples: nil, noise: 0.1, seed: $0) }),
            ("moons", { SyntheticData.moons(samples: 51, noise: 0.1, seed: $0) }),
            ("circles", { SyntheticData.circles(samples: 51, noise: 0.1, seed: $0) }),
            ("spirals", { SyntheticData.spirals(samples: 51, noise: 0.1, seed: $0) }),
            ("blobs", { SyntheticData.blobs(samples: 51, seed: $0) }),
            ("sine", { SyntheticData.sine(samples: 51, noise: 0.1, seed: $0) }),
        ]
        for (name, make) in generators {
            XCTAssertEqual(make(0), make(0), name)
            XCTAssertEqual(make(-3), make(-3), name)
            XCTAssertNotEqual(make(0), make(1), name)
        }
    }

    /// Pins the documented draw orders: if these change, every experiment's data changes.
    func testDrawOrdersArePinned() {
        var generator = Generator(seed: 0)
        let x1 = generator.nextUniform(in: -1, 1), x2 = generator.nextUniform(in: -1, 1)
        let xor = SyntheticData.xor(samples: 3, noise: 0, seed: 0)
        XCTAssertEqual(xor.inputs.row(0), [x1, x2])

        // Moons: the shuffle's draws come first, then the noise in row order.
        var moonGenerator = Generator(seed: 0)
        var order = Array(0 ..< 6)
        moonGenerator.shuffle(&order)
        let canonical = [[1, 0], [0, 1], [-1, 0], [0, 0.5], [1, -0.5], [2, 0.5]]
        let z0 = moonGenerator.nextNormal(), z1 = moonGenerator.nextNormal()
        let moons = SyntheticData.moons(samples: 6, noise: 0.25, seed: 0)
        XCTAssertEqual(moons.inputs[0, 0], canonical[order[0]][0] + 0.25 * z0, accuracy: 1e-12)
        XCTAssertEqual(moons.inputs[0, 1], canonical[order[0]][1] + 0.25 * z1, accuracy: 1e-12)
        XCTAssertEqual(moons.labels?[0], order[0] < 3 ? 0 : 1)

        // Sine: every x first, then the noise.
        var sineGenerator = Generator(seed: 0)
        let xs = (0 ..< 3).map { _ in sineGenerator.nextUniform(in: -Double.pi, Double.pi) }
        let noise0 = sineGenerator.nextNormal()
        let sine = SyntheticData.sine(samples: 3, noise: 0.5, seed: 0)
        XCTAssertEqual(sine.inputs.elements, xs)
        XCTAssertEqual(sine.targets?[0, 0], sin(xs[0]) + 0.5 * noise0)

        // Blobs: the centers are the first draws.
        var blobGenerator = Generator(seed: 0)
        let center0 = [blobGenerator.nextUniform(in: -10, 10), blobGenerator.nextUniform(in: -10, 10)]
        let blobs = SyntheticData.blobs(samples: 9, classes: 3, noise: 0, seed: 0)
        XCTAssertEqual(rows(blobs, label: 0).first, center0)
    }

    // MARK: - Inline data and targets

    func testInlineData() {
        let classification = Dataset.inline(inputs: [[0, 1], [1, 0], [2, 2]], labels: [0, 3, 1], targets: nil)
        XCTAssertEqual(classification.task, .classification(classNames: ["0", "1", "2", "3"]))
        XCTAssertEqual(classification.inputs.rowArrays, [[0, 1], [1, 0], [2, 2]])
        XCTAssertEqual(classification.labels, [0, 3, 1])
        XCTAssertEqual(classification.featureNames, ["x1", "x2"])
        XCTAssertEqual(classification.task.kind, .classification)

        let regression = Dataset.inline(inputs: [[3]], labels: nil, targets: [[1, 2]])
        XCTAssertEqual(regression.task, .regression)
        XCTAssertEqual(regression.targets?.rowArrays, [[1, 2]])
        XCTAssertNil(regression.labels)
    }

    func testTargetMatrixFollowsTheOutputLayer() {
        let binary = Dataset.inline(inputs: [[0], [1], [2]], labels: [1, 0, 1], targets: nil)
        XCTAssertEqual(binary.targetMatrix(outputs: 1), Matrix([[1], [0], [1]]))
        XCTAssertEqual(binary.targetMatrix(outputs: 2), Matrix([[0, 1], [1, 0], [0, 1]]))
        let three = Dataset.inline(inputs: [[0], [1]], labels: [2, 0], targets: nil)
        XCTAssertEqual(three.targetMatrix(outputs: 3), Matrix([[0, 0, 1], [1, 0, 0]]))
        let regression = Dataset.inline(inputs: [[0], [1]], labels: nil, targets: [[5, 6], [7, 8]])
        XCTAssertEqual(regression.targetMatrix(outputs: 2), Matrix([[5, 6], [7, 8]]))
    }

    func testSubsetTakesRowsInTheGivenOrder() {
        let data = Dataset.inline(inputs: [[0], [10], [20]], labels: [0, 1, 2], targets: nil)
        let subset = data.subset([2, 0])
        XCTAssertEqual(subset.inputs.rowArrays, [[20], [0]])
        XCTAssertEqual(subset.labels, [2, 0])
        XCTAssertEqual(subset.task, data.task)
        XCTAssertEqual(data.subset([]).count, 0)
    }

    // MARK: - Split

    /// A data set whose row i has input i, so rows can be traced through a split.
    private func indexed(_ n: Int) -> Dataset {
        Dataset.inline(inputs: (0 ..< n).map { [Double($0)] }, labels: nil, targets: (0 ..< n).map { [Double($0) * 2] })
    }

    func testSplitSizesRoundToNearestAndKeepTrainingNonEmpty() {
        let cases: [(n: Int, fraction: Double, validation: Int)] = [
            (10, 0.25, 3),  // 2.5 rounds away from zero
            (10, 0.2, 2), (100, 0.2, 20), (7, 0.5, 4), (4, 0, 0), (10, 0.04, 0),
            (1, 0.5, 0),  // 0.5 would round to 1 = N: capped at N − 1
            (2, 0.75, 1),  // 1.5 → 2 = N: capped
            (3, 0.9, 2),
        ]
        for c in cases {
            let (training, validation) = indexed(c.n).split(validationFraction: c.fraction, seed: 0)
            XCTAssertEqual(validation.count, c.validation, "\(c)")
            XCTAssertEqual(training.count, c.n - c.validation, "\(c)")
        }
    }

    func testSplitIsADisjointCoverInOriginalOrder() {
        let data = indexed(50)
        let (training, validation) = data.split(validationFraction: 0.3, seed: 4)
        let trainIndices = training.inputs.elements.map { Int($0) }
        let validIndices = validation.inputs.elements.map { Int($0) }
        XCTAssertEqual(validIndices.count, 15)
        XCTAssert(Set(trainIndices).isDisjoint(with: validIndices))
        XCTAssertEqual(Set(trainIndices).union(validIndices), Set(0 ..< 50))
        XCTAssertEqual(trainIndices, trainIndices.sorted())
        XCTAssertEqual(validIndices, validIndices.sorted())
        XCTAssertNotEqual(validIndices, Array(35 ..< 50))  // chosen at random, not the tail
        // Targets travel with their inputs.
        XCTAssertEqual(validation.targets?.elements, validIndices.map { Double($0) * 2 })
    }

    func testSplitIsDeterministicAndUsesItsOwnStream() {
        let data = indexed(40)
        let first = data.split(validationFraction: 0.25, seed: 3)
        let again = data.split(validationFraction: 0.25, seed: 3)
        XCTAssertEqual(first.training, again.training)
        XCTAssertEqual(first.validation, again.validation)
        XCTAssertNotEqual(first.validation, data.split(validationFraction: 0.25, seed: 4).validation)

        // The documented stream: the data seed XOR "split".
        var generator = Generator(seed: UInt64(3) ^ Dataset.splitSeedKey)
        var permutation = Array(0 ..< 40)
        generator.shuffle(&permutation)
        XCTAssertEqual(first.validation.inputs.elements.map { Int($0) }, permutation[..<10].sorted())
        // ... which is not the generation stream of the same seed.
        var dataGenerator = Generator(seed: 3)
        var dataPermutation = Array(0 ..< 40)
        dataGenerator.shuffle(&dataPermutation)
        XCTAssertNotEqual(first.validation.inputs.elements.map { Int($0) }, dataPermutation[..<10].sorted())
    }

    func testSplitWithZeroFractionKeepsTheData() {
        let data = SyntheticData.moons(samples: 20, noise: 0.1, seed: 0)
        let (training, validation) = data.split(validationFraction: 0, seed: 9)
        XCTAssertEqual(training, data)
        XCTAssertEqual(validation.count, 0)
        XCTAssertEqual(validation.task, data.task)
        XCTAssertEqual(validation.inputs.columns, 2)
    }

    // MARK: - Standardization

    func testStandardizationUsesTheTrainingPartOnly() {
        let data = Dataset.inline(
            inputs: (0 ..< 30).map { [Double($0) * 3 + 1, 7, sin(Double($0))] },
            labels: (0 ..< 30).map { $0 % 2 }, targets: nil)
        let (training, validation) = data.split(validationFraction: 0.2, seed: 1)
        let scaling = Standardization(fitting: training)
        let scaledTraining = scaling.apply(to: training)
        for j in [0, 2] {
            let column = (0 ..< scaledTraining.count).map { scaledTraining.inputs[$0, j] }
            XCTAssertEqual(mean(column), 0, accuracy: 1e-12)
            XCTAssertEqual(populationStd(column), 1, accuracy: 1e-12)
        }
        // The constant feature: std 1, standardized to exactly 0.
        XCTAssertEqual(scaling.mean[1], 7)
        XCTAssertEqual(scaling.std[1], 1)
        XCTAssert((0 ..< scaledTraining.count).allSatisfy { scaledTraining.inputs[$0, 1] == 0 })
        // Validation uses the training statistics, not its own.
        let trainColumn = (0 ..< training.count).map { training.inputs[$0, 0] }
        XCTAssertEqual(scaling.mean[0], mean(trainColumn), accuracy: 1e-12)
        XCTAssertEqual(scaling.std[0], populationStd(trainColumn), accuracy: 1e-12)
        let scaledValidation = scaling.apply(to: validation)
        XCTAssertEqual(scaledValidation.inputs[0, 0], (validation.inputs[0, 0] - scaling.mean[0]) / scaling.std[0])
        XCTAssertEqual(scaledValidation.labels, validation.labels)
    }

    func testStandardizationLeavesRegressionTargets() {
        let data = SyntheticData.sine(samples: 50, noise: 0.1, seed: 0)
        let scaled = Standardization(fitting: data).apply(to: data)
        XCTAssertEqual(scaled.targets, data.targets)
        XCTAssertNotEqual(scaled.inputs, data.inputs)
    }

    // MARK: - Real data sets

    private func loadShipped(_ name: String) throws -> Dataset {
        let path = Self.dataFolder.appendingPathComponent(name).path
        return try CSVData.load(path: path, target: "label", task: .classification, displayPath: "data/\(name)")
    }

    func testIris() throws {
        let iris = try loadShipped("iris.csv")
        XCTAssertEqual(iris.count, 150)
        XCTAssertEqual(iris.inputs.columns, 4)
        XCTAssertEqual(iris.task, .classification(classNames: ["0", "1", "2"]))
        XCTAssertEqual(classCounts(iris), [50, 50, 50])
        XCTAssertEqual(iris.featureNames, ["sepal_length_cm", "sepal_width_cm", "petal_length_cm", "petal_width_cm"])
        XCTAssertEqual(iris.inputs.row(0), [5.1, 3.5, 1.4, 0.2])
        XCTAssertEqual(iris.inputs.row(149), [5.9, 3, 5.1, 1.8])
    }

    func testDigits() throws {
        let digits = try loadShipped("digits.csv")
        XCTAssertEqual(digits.count, 1797)
        XCTAssertEqual(digits.inputs.columns, 64)
        XCTAssertEqual(digits.task, .classification(classNames: (0 ..< 10).map(String.init)))
        XCTAssertEqual(classCounts(digits), [178, 182, 177, 183, 181, 182, 181, 179, 174, 180])
        XCTAssert(digits.inputs.elements.allSatisfy { $0 >= 0 && $0 <= 16 && $0 == $0.rounded() })
        XCTAssertEqual(digits.featureNames.first, "pixel_0_0")
        XCTAssertEqual(digits.featureNames.last, "pixel_7_7")
    }

    func testBreastCancer() throws {
        let cancer = try loadShipped("breast_cancer.csv")
        XCTAssertEqual(cancer.count, 569)
        XCTAssertEqual(cancer.inputs.columns, 30)
        XCTAssertEqual(cancer.task, .classification(classNames: ["0", "1"]))
        XCTAssertEqual(classCounts(cancer), [212, 357])
        XCTAssertEqual(cancer.featureNames.first, "mean_radius")
    }

    // MARK: - CSV format

    func testCSVQuotingLineEndingsAndBlankLines() throws {
        let text = "\u{FEFF}\"width, cm\",\"say \"\"hi\"\"\" , class\r\n"
            + "1.5,\" 2 \",\"b, c\"\r\n"
            + "\r\n"
            + "  -3e-1 ,4,\"a\"\"\nz\"\r\n"
            + "\n\n  \n"
        let data = try CSVData.parse(text, target: "class", task: .classification, displayPath: "t.csv")
        XCTAssertEqual(data.featureNames, ["width, cm", "say \"hi\""])
        XCTAssertEqual(data.inputs.rowArrays, [[1.5, 2], [-0.3, 4]])
        XCTAssertEqual(data.task, .classification(classNames: ["a\"\nz", "b, c"]))
        XCTAssertEqual(data.labels, [1, 0])
    }

    func testCSVWithoutFinalLineBreakAndWithCROnly() throws {
        let lf = try CSVData.parse("x,y\n1,0\n2,1", target: "y", task: .classification, displayPath: "t.csv")
        let cr = try CSVData.parse("x,y\r1,0\r2,1\r", target: "y", task: .classification, displayPath: "t.csv")
        XCTAssertEqual(lf.inputs.elements, [1, 2])
        XCTAssertEqual(cr, lf)
    }

    func testCSVClassesAreSorted() throws {
        let strings = try CSVData.parse("f,species\n1,virginica\n2,setosa\n3,versicolor\n4,setosa\n",
                                        target: "species", task: .classification, displayPath: "t.csv")
        XCTAssertEqual(strings.task, .classification(classNames: ["setosa", "versicolor", "virginica"]))
        XCTAssertEqual(strings.labels, [2, 0, 1, 0])

        // All integers: numeric order, not text order ("10" < "2" < "9").
        let integers = try CSVData.parse("f,label\n1,10\n2,9\n3,2\n4,09\n", target: "label", task: .classification, displayPath: "t.csv")
        XCTAssertEqual(integers.task, .classification(classNames: ["2", "9", "10"]))
        XCTAssertEqual(integers.labels, [2, 1, 0, 1])

        // Mixed: text order.
        let mixed = try CSVData.parse("f,label\n1,10\n2,b\n3,2\n", target: "label", task: .classification, displayPath: "t.csv")
        XCTAssertEqual(mixed.task, .classification(classNames: ["10", "2", "b"]))
    }

    func testCSVTargetMayBeAnyColumnAndRegression() throws {
        let data = try CSVData.parse("a,y,b\n1,0.5,2\n3,-1.5,4\n", target: "y", task: .regression, displayPath: "t.csv")
        XCTAssertEqual(data.task, .regression)
        XCTAssertEqual(data.featureNames, ["a", "b"])
        XCTAssertEqual(data.inputs.rowArrays, [[1, 2], [3, 4]])
        XCTAssertEqual(data.targets?.rowArrays, [[0.5], [-1.5]])
    }

    func testCSVErrorsHaveExactTexts() throws {
        let folder = try temporaryFolder()
        let cases: [(name: String, text: String, target: String, task: LearningTask.Kind, line: Int?, column: Int?, message: String)] = [
            ("empty", "", "label", .classification, nil, nil, "empty file: expected a header row and data rows"),
            ("blank lines only", "\n  \n\r\n", "label", .classification, nil, nil, "empty file: expected a header row and data rows"),
            ("no header", "5.1,3.5,0\n4.9,3,0\n", "label", .classification, 1, nil,
             "row 1: expected a header row of column names, found only numbers"),
            ("target with suggestion", "sepal,petal,lable\n1,2,0\n", "label", .classification, 1, nil,
             "row 1: no column \"label\" for the target; did you mean \"lable\"?"),
            ("target case", "x,Label\n1,0\n", "label", .classification, 1, nil,
             "row 1: no column \"label\" for the target; did you mean \"Label\"?"),
            ("target without suggestion", "a,b,c\n1,2,3\n", "label", .classification, 1, nil,
             "row 1: no column \"label\" for the target (columns: \"a\", \"b\", \"c\")"),
            ("duplicate column", "a,b,a,label\n1,2,3,0\n", "label", .classification, 1, 3,
             "row 1, column 3: duplicate column name \"a\" (also column 1)"),
            ("empty column name", ",a,label\n0,1,0\n", "label", .classification, 1, 1, "row 1, column 1: empty column name"),
            ("only the target", "label\n0\n1\n", "label", .classification, 1, nil,
             "row 1: no input columns; every column except the target \"label\" is an input"),
            ("ragged short", "a,b,label\n1,2,0\n1,2\n", "label", .classification, 3, nil, "row 3 has 2 fields, expected 3"),
            ("ragged long", "a,b,label\n1,2,0,4\n", "label", .classification, 2, nil, "row 2 has 4 fields, expected 3"),
            ("ragged after blank line", "a,label\n\n1,x\n2\n", "label", .classification, 4, nil, "row 4 has 1 field, expected 2"),
            ("ragged after CRLF", "a,label\r\n1,x\r\n2\r\n", "label", .classification, 3, nil, "row 3 has 1 field, expected 2"),
            ("ragged after quoted line break", "a,label\n1,\"x\ny\"\n2,z,3\n", "label", .classification, 4, nil,
             "row 4 has 3 fields, expected 2"),
            ("non-numeric", "sepal,petal_width,label\n1,2,0\n1,2,0\n1,abc,1\n", "label", .classification, 4, 2,
             "row 4, column \"petal_width\" (2): expected a number, found \"abc\""),
            ("empty cell", "a,b,label\n1,,0\n", "label", .classification, 2, 2,
             "row 2, column \"b\" (2): expected a number, found \"\""),
            ("nan", "a,label\nnan,0\n", "label", .classification, 2, 1, "row 2, column \"a\" (1): expected a finite number, found \"nan\""),
            ("inf", "a,label\n1,0\n-inf,1\n", "label", .classification, 3, 1,
             "row 3, column \"a\" (1): expected a finite number, found \"-inf\""),
            ("overflow", "a,label\n1e999,0\n", "label", .classification, 2, 1,
             "row 2, column \"a\" (1): expected a finite number, found \"1e999\""),
            ("regression target", "a,y\n1,2\n2,high\n", "y", .regression, 3, 2, "row 3, column \"y\" (2): expected a number, found \"high\""),
            ("empty label", "a,b,label\n1,2,\n", "label", .classification, 2, 3, "row 2, column \"label\" (3): empty class label"),
            ("no data rows", "a,label\n", "label", .classification, nil, nil, "no data rows after the header"),
            ("no data rows but blank lines", "a,label\n\n\n", "label", .classification, nil, nil, "no data rows after the header"),
            ("one class", "a,label\n1,x\n2,x\n", "label", .classification, nil, 2,
             "column \"label\" (2) has only 1 class (\"x\"); classification needs at least 2"),
            ("unclosed quote", "a,label\n1,\"x\n2,y\n", "label", .classification, 2, 2, "row 2, column 2: quoted field is not closed"),
            ("text after quote", "a,label\n1,\"x\"y\n", "label", .classification, 2, 2,
             "row 2, column 2: unexpected text after a closing quote; write a quote inside a quoted field as \"\""),
        ]
        for c in cases {
            let url = folder.appendingPathComponent("case.csv")
            try Data(c.text.utf8).write(to: url)
            let expected = CSVError(path: "data/bad.csv", line: c.line, column: c.column, message: c.message)
            XCTAssertThrowsError(try CSVData.load(path: url.path, target: c.target, task: c.task, displayPath: "data/bad.csv"), c.name) {
                XCTAssertEqual($0 as? CSVError, expected, c.name)
            }
        }
    }

    func testCSVFileErrors() throws {
        let folder = try temporaryFolder()
        let missing = folder.appendingPathComponent("missing.csv").path
        XCTAssertThrowsError(try CSVData.load(path: missing, target: "label", task: .classification, displayPath: "data/missing.csv")) {
            XCTAssertEqual($0 as? CSVError, CSVError(path: "data/missing.csv", message: "no such file"))
        }
        XCTAssertThrowsError(try CSVData.load(path: folder.path, target: "label", task: .classification)) {
            XCTAssertEqual($0 as? CSVError, CSVError(path: folder.path, message: "is a folder, not a CSV file"))
        }
    }

    func testCSVRefusesAHugeFileBeforeReadingIt() throws {
        // A sparse file: 1 GiB + 1 byte long, but nothing written, so the test is quick.
        let url = try temporaryFolder().appendingPathComponent("huge.csv")
        XCTAssert(FileManager.default.createFile(atPath: url.path, contents: nil))
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: UInt64(CSVData.maximumFileSize) + 1)
        try handle.close()
        XCTAssertThrowsError(try CSVData.load(path: url.path, target: "label", task: .classification, displayPath: "huge.csv")) {
            XCTAssertEqual($0 as? CSVError, CSVError(
                path: "huge.csv",
                message: "the file is 1 GiB (1073741825 bytes); CSV files over 1 GiB are refused"))
        }
    }

    /// Text that is not UTF-8 is an error naming its row and column: decoding
    /// it would turn distinct labels into one replacement character, one class.
    func testCSVTextThatIsNotUTF8IsAnError() throws {
        let url = try temporaryFolder().appendingPathComponent("latin1.csv")
        try Data("a,label\n1,caf".utf8 + [0xE9] + Data("\n2,caf".utf8) + [0xE8] + Data("\n".utf8)).write(to: url)
        XCTAssertThrowsError(try CSVData.load(path: url.path, target: "label", task: .classification, displayPath: "latin1.csv")) {
            XCTAssertEqual($0 as? CSVError, CSVError(path: "latin1.csv", line: 2, column: 2,
                                                      message: "row 2, column 2: the text is not valid UTF-8"))
        }
    }

    /// A file separated by ';' or tabs is read as one column; the error says so.
    func testCSVErrorsHintAtTheDelimiter() throws {
        for (separator, words) in [(";", "';'"), ("\t", "tabs")] {
            let text = ["a", "b", "label"].joined(separator: separator) + "\n" + ["1", "2", "x"].joined(separator: separator) + "\n"
            XCTAssertThrowsError(try CSVData.parse(text, target: "label", task: .classification, displayPath: "semi.csv")) {
                let header = ["a", "b", "label"].joined(separator: separator)
                XCTAssertEqual(($0 as? CSVError)?.message,
                               "row 1: no column \"label\" for the target, only the one column \"\(header)\"; the header looks separated by \(words), but nnlab reads comma-separated files")
            }
        }
    }

    /// A symbolic link to a CSV file is read as that file.
    func testCSVThroughASymbolicLink() throws {
        let folder = try temporaryFolder()
        let target = folder.appendingPathComponent("real.csv"), link = folder.appendingPathComponent("link.csv")
        try Data("a,label\n1,x\n2,y\n".utf8).write(to: target)
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: target)
        let dataset = try CSVData.load(path: link.path, target: "label", task: .classification)
        XCTAssertEqual(dataset.count, 2)
    }

    /// An experiment file is refused past 64 MiB by what is read, also through a
    /// symbolic link (whose own size is a few bytes); the message says 64 MiB, as
    /// the documentation does, and is located at the file's start.
    func testTheExperimentSizeLimitHoldsThroughALink() throws {
        let folder = try temporaryFolder()
        let big = folder.appendingPathComponent("big.json"), link = folder.appendingPathComponent("link.json")
        XCTAssert(FileManager.default.createFile(atPath: big.path, contents: nil))
        let handle = try FileHandle(forWritingTo: big)
        try handle.truncate(atOffset: UInt64(ExperimentLoader.maximumFileSize) + 1)
        try handle.close()
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: big)
        XCTAssertThrowsError(try ExperimentLoader.load(path: link.path)) {
            XCTAssertEqual(($0 as? Diagnostics)?.rendered,
                           "\(link.path):1:1: error: the file is 64 MiB (67108865 bytes); experiment files over 64 MiB are refused")
        }
    }

    /// A CSV path that is not found is shown as where it was looked for, with the
    /// folder it is relative to.
    func testAMissingCSVFileNamesWhereItWasLookedFor() throws {
        let folder = try temporaryFolder()
        let experiments = folder.appendingPathComponent("experiments")
        try FileManager.default.createDirectory(at: experiments, withIntermediateDirectories: true)
        let file = experiments.appendingPathComponent("e.json")
        try Data("""
            {"name": "e", "data": {"source": "csv", "path": "data/x.csv", "target": "y"}, "model": {"hidden": []},
             "loss": "mse", "optimizer": {"name": "sgd", "learning_rate": 0.1}, "training": {"epochs": 1}}
            """.utf8).write(to: file)
        XCTAssertThrowsError(try ExperimentLoader.load(path: file.path)) {
            XCTAssertEqual(($0 as? Diagnostics)?.rendered,
                           "\(file.path):1:49: error: data.path: \(experiments.path)/data/x.csv: no such file (looked for \"data/x.csv\" in the experiment file's folder, \(experiments.path)/)")
        }
    }
}

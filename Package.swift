// swift-tools-version:6.0
// nnlab: a declarative experiment runner for small dense neural networks.
// No dependencies beyond the toolchain (Foundation, Dispatch, XCTest).
import PackageDescription

let package = Package(
    name: "nnlab",
    products: [
        .library(name: "NeuralNetwork", targets: ["NeuralNetwork"]),
        .library(name: "Experiments", targets: ["Experiments"]),
        .executable(name: "nnlab", targets: ["nnlab"]),
    ],
    targets: [
        // The math: matrices, activations, losses, layers, network, backprop,
        // optimizers, initializers, random numbers. No I/O.
        .target(name: "NeuralNetwork"),
        // Files to runs to results.
        .target(name: "Experiments", dependencies: ["NeuralNetwork"]),
        // The command-line tool: the only place that prints or exits.
        .executableTarget(name: "nnlab", dependencies: ["Experiments", "NeuralNetwork"]),
        // `make bench`: speed of training on the workloads of SPEC §8, through the
        // trainer and the runner as `nnlab run` uses them.
        .executableTarget(name: "nnlab-bench", dependencies: ["Experiments", "NeuralNetwork"]),
        .testTarget(name: "NeuralNetworkTests", dependencies: ["NeuralNetwork"]),
        .testTarget(name: "ExperimentsTests", dependencies: ["Experiments", "NeuralNetwork"]),
        .testTarget(name: "nnlabTests", dependencies: ["nnlab"]),
    ]
)

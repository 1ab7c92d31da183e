import Foundation
import Dispatch
import NeuralNetwork

/// `make bench`: time per training step of the network core on the shapes of
/// SPEC §8's workloads (random data of the same size), median of repeats after
/// warm-up, with the GFLOP/s the matrix products achieve.
///
/// A step is forward, backward and one optimizer update on one mini-batch.
struct Workload {
    var name: String
    var inputs: Int
    var layers: [LayerSpec]
    var loss: Loss
    var optimizer: Optimizer
    var samples: Int
    var batch: Int
}

let workloads = [
    Workload(name: "exercise", inputs: 1,
             layers: [LayerSpec(units: 1, activation: .relu, bias: false, weights: [[0.01]]),
                      LayerSpec(units: 1, activation: .sigmoid, weights: [[-5]], biases: [-1])],
             loss: .halfSquaredError, optimizer: .sgd(SGD(learningRate: 0.1)), samples: 1, batch: 1),
    Workload(name: "moons", inputs: 2,
             layers: [LayerSpec(units: 16, activation: .relu), LayerSpec(units: 16, activation: .relu),
                      LayerSpec(units: 1, activation: .sigmoid)],
             loss: .binaryCrossEntropy, optimizer: .adam(Adam(learningRate: 0.01)), samples: 500, batch: 32),
    Workload(name: "digits", inputs: 64,
             layers: [LayerSpec(units: 128, activation: .relu), LayerSpec(units: 64, activation: .relu),
                      LayerSpec(units: 10, activation: .softmax)],
             loss: .crossEntropy, optimizer: .adam(Adam(learningRate: 0.001)), samples: 1797, batch: 64),
]

/// Multiply-adds of one step's products, counted as 2 flops each:
/// forward a·Wᵀ, backward δᵀ·a for ∂W and δ·W for the δ below (not for layer 1).
func flopsPerStep(_ w: Workload) -> Double {
    var flops = 0.0
    var below = w.inputs
    for (index, layer) in w.layers.enumerated() {
        let products = index == 0 ? 2.0 : 3.0
        flops += products * 2 * Double(w.batch * below * layer.units)
        below = layer.units
    }
    return flops
}

func nanoseconds(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start)
}

print("workload   step (µs)   GFLOP/s")
for w in workloads {
    var g = Generator(seed: 1)
    var network = try Network(inputs: w.inputs, specs: w.layers, generator: &g)
    let outputs = network.outputs
    let x = Matrix(rows: w.batch, columns: w.inputs, elements: (0 ..< w.batch * w.inputs).map { _ in g.nextNormal() })
    var y = Matrix(rows: w.batch, columns: outputs)
    for row in 0 ..< w.batch { y[row, outputs == 1 ? 0 : g.nextInt(below: outputs)] = 1 }
    var state = w.optimizer.makeState(for: network)
    var workspace = Workspace(network: network, batchSize: w.batch)
    let stepsPerRepeat = max(1, w.samples / w.batch) * 20
    func step() {
        network.forward(x, in: &workspace)
        network.backward(targets: y, loss: w.loss, in: &workspace)
        w.optimizer.update(&network, gradients: workspace.gradients, state: &state)
    }
    for _ in 0 ..< stepsPerRepeat { step() }  // warm-up
    var times: [Double] = []
    for _ in 0 ..< 15 {
        times.append(nanoseconds { for _ in 0 ..< stepsPerRepeat { step() } } / Double(stepsPerRepeat))
    }
    let median = times.sorted()[times.count / 2]
    let gflops = flopsPerStep(w) / median
    print(w.name.padding(toLength: 10, withPad: " ", startingAt: 0),
          String(format: "%10.2f", median / 1000), String(format: "%9.2f", gflops))
}

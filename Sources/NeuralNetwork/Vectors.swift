import Foundation

/// Loads and stores of SIMD vectors at any address, and of the last, partial
/// vector of an array, for the vectorised loops of the kernels.

/// The vector of `V`'s width at `p`, which need not be aligned.
///
/// A `memcpy` of the vector's size, which the compiler turns into one
/// unaligned vector load: the standard library's `loadUnaligned` is a call
/// of its own that the optimizer inlines or not depending on how many other
/// places use it, and a call in a kernel's tile spills every sum in registers.
@inline(__always)
func load<V: SIMD>(_: V.Type, _ p: UnsafePointer<Double>) -> V where V.Scalar == Double {
    var v = V()
    _ = withUnsafeMutableBytes(of: &v) { memcpy($0.baseAddress!, p, MemoryLayout<V>.size) }
    return v
}

/// Stores `v` at `p`, which need not be aligned; a `memcpy`, as `load`.
@inline(__always)
func store<V: SIMD>(_ v: V, _ p: UnsafeMutablePointer<Double>) where V.Scalar == Double {
    _ = withUnsafeBytes(of: v) { memcpy(p, $0.baseAddress!, MemoryLayout<V>.size) }
}

/// The first `count` lanes from `p`, the others 0.
@inline(__always)
func load<V: SIMD>(_: V.Type, _ p: UnsafePointer<Double>, count: Int) -> V where V.Scalar == Double {
    var v = V()
    for lane in 0 ..< count { v[lane] = p[lane] }
    return v
}

/// Stores the first `count` lanes of `v` at `p`.
@inline(__always)
func store<V: SIMD>(_ v: V, _ p: UnsafeMutablePointer<Double>, count: Int) where V.Scalar == Double {
    for lane in 0 ..< count { p[lane] = v[lane] }
}

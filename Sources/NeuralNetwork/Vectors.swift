/// Loads and stores of SIMD vectors at any address, and of the last, partial
/// vector of an array, for the vectorised loops of the kernels.

/// The vector of `V`'s width at `p`, which need not be aligned.
@inline(__always)
func load<V: SIMD>(_: V.Type, _ p: UnsafePointer<Double>) -> V where V.Scalar == Double {
    UnsafeRawPointer(p).loadUnaligned(as: V.self)
}

/// Stores `v` at `p`, which need not be aligned.
@inline(__always)
func store<V: SIMD>(_ v: V, _ p: UnsafeMutablePointer<Double>) where V.Scalar == Double {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
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

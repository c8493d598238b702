import CKernels

/// `im2col` when rows keep their width (stride 1, 3x3 with padding 1): the window of each kernel tap over
/// an image is the image's plane shifted by one offset, so each (tap, image) is one copy of a whole plane
/// followed by zeroing what falls on the padding (`zoo_im2col_shifted`; a row-by-row copy costs a call per
/// 7-pixel row on ResNet's late 7x7 maps).
func im2colShifted(_ x: UnsafePointer<Float>, _ g: ConvGeometry, into columns: UnsafeMutablePointer<Float>) {
    var lowering = g.lowering
    forChannelChunks(g) { channels in zoo_im2col_shifted(x, &lowering, channels.lowerBound, channels.upperBound, columns) }
}

/// `col2im` when rows keep their width: the entries of each (tap, image) that lie over padding are
/// zeroed in `columns`, and the rest is added onto the input plane as one contiguous shifted span.
func col2imShifted(_ columns: UnsafeMutablePointer<Float>, _ g: ConvGeometry, into dx: UnsafeMutablePointer<Float>) {
    var lowering = g.lowering
    forChannelChunks(g) { channels in zoo_col2im_shifted(columns, &lowering, channels.lowerBound, channels.upperBound, dx) }
}

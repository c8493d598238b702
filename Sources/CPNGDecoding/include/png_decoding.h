#ifndef ZOO_PNG_DECODING_H
#define ZOO_PNG_DECODING_H

#include <stddef.h>
#include <stdint.h>

/// What a PNG holds once decoded as the zoo reads it: gray or RGB (alpha dropped, palettes expanded),
/// 8 or 16 bits per sample.
typedef struct {
    uint32_t width;
    uint32_t height;
    /// 1 (gray, gray + alpha) or 3 (RGB, RGBA, palette).
    int channels;
    /// 8 or 16: the file's depth, with 1-, 2- and 4-bit gray and palettes widened to 8.
    int bit_depth;
} zoo_png_header;

/// Reads the header of the PNG in `data[0 ..< size]` into `header`. Returns 0, or -1 with libpng's
/// reason (or the zoo's) in `message`.
int zoo_png_read_header(const uint8_t *data, size_t size, zoo_png_header *header, char *message, size_t message_size);

/// Decodes the PNG in `data[0 ..< size]` into `pixels`, channel-major (C x H x W), each sample divided by
/// its depth's maximum (255 or 65535), for images of at most `max_pixels` pixels. `pixels` holds
/// channels * width * height floats as `zoo_png_read_header` reported them. Returns 0, or -1 with the
/// reason in `message`; libpng's errors come back here through its longjmp, with every allocation freed.
int zoo_png_decode(const uint8_t *data, size_t size, uint64_t max_pixels, float *pixels, size_t pixel_count,
                   char *message, size_t message_size);

#endif

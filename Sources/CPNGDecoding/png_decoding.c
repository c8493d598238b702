// PNG decoding with libpng's progressive-free, low-level API: unlike the simplified API it keeps 16-bit
// samples as they are (no gamma conversion) and drops alpha instead of compositing it. libpng reports
// errors by longjmp to the setjmp below, which frees what the call allocated and returns -1.
#include "png_decoding.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const uint8_t *data;
    size_t size;
    size_t offset;
    char *message;
    size_t message_size;
} reader;

static void read_bytes(png_structp png, png_bytep out, png_size_t count) {
    reader *source = (reader *)png_get_io_ptr(png);
    if (count > source->size - source->offset) png_error(png, "the file ends early (truncated)");
    memcpy(out, source->data + source->offset, count);
    source->offset += count;
}

static void on_error(png_structp png, png_const_charp text) {
    reader *source = (reader *)png_get_error_ptr(png);
    snprintf(source->message, source->message_size, "%s", text);
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;
}

static int fail(char *message, size_t message_size, const char *text) {
    snprintf(message, message_size, "%s", text);
    return -1;
}

/// Sets up the reader, reads the header and chooses the transformations; `header` gets the result.
/// Must run after setjmp.
static void begin(png_structp png, png_infop info, size_t file_size, zoo_png_header *header) {
    png_set_user_limits(png, 1u << 24, 1u << 24);
    png_read_info(png, info);
    // Deflate expands at most about 1032:1, so a header declaring more filtered bytes than 1100 times the
    // file holds cannot be backed by its data: refused before anything is allocated for the pixels.
    double declared = (double)png_get_image_height(png, info) * ((double)png_get_rowbytes(png, info) + 1);
    if (declared > 1100.0 * (double)file_size + 4096) png_error(png, "the header declares more pixels than the file's data can hold");
    int color = png_get_color_type(png, info), depth = png_get_bit_depth(png, info);
    if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (color & PNG_COLOR_MASK_ALPHA || png_get_valid(png, info, PNG_INFO_tRNS)) png_set_strip_alpha(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    header->width = png_get_image_width(png, info);
    header->height = png_get_image_height(png, info);
    header->channels = png_get_channels(png, info);
    header->bit_depth = png_get_bit_depth(png, info);
}

static png_structp create(reader *source, png_infop *info) {
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, source, on_error, on_warning);
    if (!png) return NULL;
    *info = png_create_info_struct(png);
    if (!*info) {
        png_destroy_read_struct(&png, NULL, NULL);
        return NULL;
    }
    png_set_read_fn(png, source, read_bytes);
    return png;
}

static int check_signature(const uint8_t *data, size_t size, char *message, size_t message_size) {
    if (size == 0) return fail(message, message_size, "the file is empty");
    if (size < 8 || png_sig_cmp(data, 0, 8) != 0) return fail(message, message_size, "not a PNG file (no PNG signature)");
    return 0;
}

int zoo_png_read_header(const uint8_t *data, size_t size, zoo_png_header *header, char *message, size_t message_size) {
    if (check_signature(data, size, message, message_size) != 0) return -1;
    reader source = {data, size, 0, message, message_size};
    png_infop info = NULL;
    png_structp png = create(&source, &info);
    if (!png) return fail(message, message_size, "out of memory");
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &info, NULL);
        return -1;
    }
    begin(png, info, size, header);
    png_destroy_read_struct(&png, &info, NULL);
    return 0;
}

int zoo_png_decode(const uint8_t *data, size_t size, uint64_t max_pixels, float *pixels, size_t pixel_count,
                   char *message, size_t message_size) {
    if (check_signature(data, size, message, message_size) != 0) return -1;
    reader source = {data, size, 0, message, message_size};
    png_infop info = NULL;
    png_structp png = create(&source, &info);
    if (!png) return fail(message, message_size, "out of memory");
    // Changed between setjmp and a longjmp, so volatile: the error path must see their current values.
    png_bytep volatile samples = NULL;
    png_bytepp volatile rows = NULL;
    if (setjmp(png_jmpbuf(png))) {
        free(samples);
        free(rows);
        png_destroy_read_struct(&png, &info, NULL);
        return -1;
    }
    zoo_png_header header;
    begin(png, info, size, &header);
    uint64_t area = (uint64_t)header.width * header.height;
    if (area > max_pixels) png_error(png, "the image declares more pixels than the zoo reads");
    size_t channels = (size_t)header.channels, width = header.width, height = header.height;
    if (pixel_count != channels * area) png_error(png, "the output buffer does not match the header");
    size_t row_bytes = png_get_rowbytes(png, info);
    samples = malloc(row_bytes * height);
    rows = malloc(sizeof(png_bytep) * height);
    if (!samples || !rows) png_error(png, "out of memory");
    for (size_t y = 0; y < height; y++) rows[y] = samples + y * row_bytes;
    png_read_image(png, rows);
    png_read_end(png, NULL);
    for (size_t y = 0; y < height; y++) {
        const png_byte *row = rows[y];
        for (size_t x = 0; x < width; x++) {
            for (size_t c = 0; c < channels; c++) {
                size_t i = x * channels + c;
                float value = header.bit_depth == 16 ? (float)((row[2 * i] << 8) | row[2 * i + 1]) / 65535.0f
                                                     : (float)row[i] / 255.0f;
                pixels[(c * height + y) * width + x] = value;
            }
        }
    }
    free(samples);
    free(rows);
    png_destroy_read_struct(&png, &info, NULL);
    return 0;
}

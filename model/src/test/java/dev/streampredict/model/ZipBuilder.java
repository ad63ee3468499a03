package dev.streampredict.model;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes zips entry by entry as a hostile publisher could: any names, in any order, repeated, and entries that
 * inflate to far more than they take on the wire. Only local headers, as a streaming reader sees them.
 */
public final class ZipBuilder {

    private static final int CHUNK = 1 << 20;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** An entry holding {@code content}, compressed. */
    public ZipBuilder entry(String name, byte[] content) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        deflater.setInput(content);
        deflater.finish();
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        while (!deflater.finished()) {
            data.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        CRC32 crc = new CRC32();
        crc.update(content);
        return raw(name, data.toByteArray(), crc.getValue(), content.length);
    }

    /**
     * An entry that inflates to {@code bytes} zeros but takes about a thousandth of that: one flushed block of a
     * megabyte of zeros repeated, since a full flush makes each block independent of what came before. Its sizes
     * and checksum say nothing true: a reader meets the truth only by inflating.
     */
    public ZipBuilder bomb(String name, long bytes) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        deflater.setInput(new byte[CHUNK]);
        byte[] buffer = new byte[64 * 1024];
        int length = deflater.deflate(buffer, 0, buffer.length, Deflater.FULL_FLUSH);
        deflater.end();
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (long written = 0; written < bytes; written += CHUNK) {
            data.write(buffer, 0, length);
        }
        data.write(new byte[]{3, 0}, 0, 2); // a final, empty fixed-Huffman block
        return raw(name, data.toByteArray(), 0, 0);
    }

    public byte[] bytes() {
        return out.toByteArray();
    }

    private ZipBuilder raw(String name, byte[] deflated, long crc, long size) {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        ByteBuffer header = ByteBuffer.allocate(30).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(0x04034b50).putShort((short) 20).putShort((short) 0x0808) // data descriptor, UTF-8 names
                .putShort((short) 8).putShort((short) 0).putShort((short) 0)
                .putInt(0).putInt(0).putInt(0) // sizes and checksum follow the data
                .putShort((short) nameBytes.length).putShort((short) 0);
        out.writeBytes(header.array());
        out.writeBytes(nameBytes);
        out.writeBytes(deflated);
        out.writeBytes(ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt(0x08074b50).putInt((int) crc)
                .putInt(deflated.length).putInt((int) size).array());
        return this;
    }
}

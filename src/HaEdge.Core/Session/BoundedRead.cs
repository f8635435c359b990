using System;
using System.Buffers;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace HaEdge.Core.Session;

/// <summary>
/// Reads what a device sends up to a cap, so an endless or huge answer is refused before it is held whole in
/// memory (the XML-RPC body, an SSH command's output).
/// </summary>
internal static class BoundedRead
{
    /// <summary>All of a network <paramref name="stream"/>, or null as soon as it passes <paramref name="maxBytes"/>.</summary>
    public static async Task<byte[]?> ReadAsync(Stream stream, int maxBytes, CancellationToken cancellationToken)
    {
        using var bytes = new Buffer(maxBytes);
        int read;
        while ((read = await stream.ReadAsync(bytes.Chunk, 0, bytes.Chunk.Length, cancellationToken).ConfigureAwait(false)) > 0)
            if (!bytes.Take(read)) return null;
        return bytes.ToArray();
    }

    /// <summary>
    /// The same for a stream whose reads block (SSH.NET's command pipes), on the caller's thread: run it on a
    /// thread of its own, never the thread pool's.
    /// </summary>
    public static byte[]? Read(Stream stream, int maxBytes)
    {
        using var bytes = new Buffer(maxBytes);
        int read;
        while ((read = stream.Read(bytes.Chunk, 0, bytes.Chunk.Length)) > 0)
            if (!bytes.Take(read)) return null;
        return bytes.ToArray();
    }

    private sealed class Buffer : IDisposable
    {
        private readonly MemoryStream taken = new MemoryStream();
        private readonly int maxBytes;

        public Buffer(int maxBytes) => this.maxBytes = maxBytes;

        /// <summary>What each read fills: pooled, as every SSH command and XML-RPC call reads through one (a fleet check, hundreds a second).</summary>
        public byte[] Chunk { get; } = ArrayPool<byte>.Shared.Rent(81920);

        /// <summary>Keeps the first <paramref name="count"/> bytes of <see cref="Chunk"/>; false past the cap.</summary>
        public bool Take(int count)
        {
            if (taken.Length + count > maxBytes) return false;
            taken.Write(Chunk, 0, count);
            return true;
        }

        public byte[] ToArray() => taken.ToArray();

        // Cleared: it held the device's answer (config sections carry password hashes and keys).
        public void Dispose() => ArrayPool<byte>.Shared.Return(Chunk, clearArray: true);
    }
}

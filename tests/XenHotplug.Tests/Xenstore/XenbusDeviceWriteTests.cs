using System.Text;
using XenHotplug.Host.Xenstore;

namespace XenHotplug.Tests.Xenstore;

/// <summary>
/// Linux's xenbus device takes one whole message per write() and drops the rest of the buffer (found under real
/// Xen): over the device, pipelined requests go one frame per write; over a socket they may share one.
/// </summary>
public sealed class XenbusDeviceWriteTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Pipelined_requests_are_one_frame_per_write_on_the_device(bool device)
    {
        var stream = new OneMessagePerWriteDevice();
        using var client = new XenstoreClient(stream, "/dev/xen/xenbus") { OneFramePerWrite = device };

        var values = client.ReadMany(["/a", "/b", "/c"]);

        Assert.Equal(["/a", "/b", "/c"], values);
        if (device) Assert.Equal([1, 1, 1], stream.FramesPerWrite);
        else Assert.Equal([3], stream.FramesPerWrite);
    }

    /// <summary>Answers every READ with the path it asked for; counts the frames in each write.</summary>
    private sealed class OneMessagePerWriteDevice : Stream
    {
        private readonly MemoryStream _replies = new();
        private long _readPosition;

        public List<int> FramesPerWrite { get; } = [];

        public override void Write(byte[] buffer, int offset, int count)
        {
            var data = buffer.AsSpan(offset, count);
            var frames = 0;
            while (XenstoreFrameCodec.TryDecode(data, out var message, out var consumed) && message is not null)
            {
                frames++;
                var path = Encoding.UTF8.GetString(message.Payload.Span).TrimEnd('\0');
                var reply = XenstoreFrameCodec.Encode(message.Type, message.RequestId, message.TransactionId, Encoding.UTF8.GetBytes(path + "\0"));
                _replies.Seek(0, SeekOrigin.End);
                _replies.Write(reply);
                data = data[consumed..];
            }
            FramesPerWrite.Add(frames);
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            _replies.Position = _readPosition;
            var n = _replies.Read(buffer, offset, count);
            _readPosition += n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}

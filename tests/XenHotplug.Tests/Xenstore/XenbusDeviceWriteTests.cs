using System.Text;
using XenHotplug.Host.Xenstore;

namespace XenHotplug.Tests.Xenstore;

/// <summary>
/// Linux's xenbus device copies each write() into one per-file buffer and queues the request with a pointer to
/// that buffer's payload; the xenbus thread copies it to the ring later, so the next write() can overwrite a request
/// not yet sent (found under real Xen: a pipelined READ of .../mtu went out with another request's bytes and
/// xenstored answered EINVAL). Over the device one request is in flight at a time; over a socket they pipeline.
/// </summary>
public sealed class XenbusDeviceWriteTests
{
    [Fact]
    public void Over_the_device_each_request_waits_for_its_reply_and_reads_its_own_key()
    {
        var device = new LinuxXenbusDeviceModel();
        using var client = new XenstoreClient(device, "/dev/xen/xenbus") { OneRequestInFlight = true };

        var values = client.ReadMany(["/local/domain/0/backend/vif/4/1/bridge", "/a/mtu", "/b/vifname"]);

        Assert.Equal(["/local/domain/0/backend/vif/4/1/bridge", "/a/mtu", "/b/vifname"], values);
        Assert.Equal(1, device.MostInFlight);
    }

    [Fact]
    public void The_model_reproduces_the_corruption_a_pipeline_meets_on_the_device()
    {
        var device = new LinuxXenbusDeviceModel();
        using var client = new XenstoreClient(device, "/dev/xen/xenbus");

        var values = client.ReadMany(["/a/bridge", "/b/mtu"]);

        Assert.Equal(2, device.MostInFlight);
        Assert.NotEqual("/a/bridge", values[0]);
    }

    /// <summary>
    /// The kernel's behaviour as far as it matters here: one message buffer per open file, overwritten by every
    /// write(); queued requests keep only their header and read their payload from that buffer when the xenbus
    /// thread gets to them (here: when the reader next reads). Every READ is answered with the path it carried.
    /// </summary>
    private sealed class LinuxXenbusDeviceModel : Stream
    {
        private readonly byte[] _buffer = new byte[XenstoreMessageHeader.Size + XenstoreMessageHeader.MaxPayload];
        private readonly Queue<(uint RequestId, XenstoreMessageType Type, int Length)> _queued = new();
        private readonly MemoryStream _replies = new();
        private long _readPosition;

        public int MostInFlight { get; private set; }

        public override void Write(byte[] buffer, int offset, int count)
        {
            var data = buffer.AsSpan(offset, count);
            while (XenstoreFrameCodec.TryDecode(data, out var message, out var consumed) && message is not null)
            {
                data[..consumed].CopyTo(_buffer);
                _queued.Enqueue((message.RequestId, message.Type, message.Payload.Length));
                MostInFlight = Math.Max(MostInFlight, _queued.Count);
                data = data[consumed..];
            }

            Assert.True(data.IsEmpty, "a partial frame was written");
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            while (_queued.TryDequeue(out var request))
            {
                var sent = _buffer.AsSpan(XenstoreMessageHeader.Size, request.Length);
                var path = Encoding.UTF8.GetString(sent).TrimEnd('\0');
                var reply = XenstoreFrameCodec.Encode(request.Type, request.RequestId, 0, Encoding.UTF8.GetBytes(path + "\0"));
                _replies.Seek(0, SeekOrigin.End);
                _replies.Write(reply);
            }

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

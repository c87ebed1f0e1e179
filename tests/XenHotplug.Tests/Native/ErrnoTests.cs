using XenHotplug.Host.Native;
using XenHotplug.Host.Netlink;

namespace XenHotplug.Tests.Native;

public class ErrnoTests
{
    [Theory]
    [InlineData(Errno.ENOENT, "ENOENT", 2)]
    [InlineData(Errno.EEXIST, "EEXIST", 17)]
    [InlineData(Errno.ENODEV, "ENODEV", 19)]
    [InlineData(Errno.EADDRNOTAVAIL, "EADDRNOTAVAIL", 99)]
    [InlineData(Errno.ENOBUFS, "ENOBUFS", 105)]
    public void An_errno_has_linux_s_number_and_its_name(int errno, string name, int number)
    {
        Assert.Equal((number, name), (errno, Errno.Name(errno)));
    }

    [Fact]
    public void An_errno_the_project_does_not_name_is_shown_by_number()
    {
        Assert.Equal("errno 4000", Errno.Name(4000));
    }

    [Fact]
    public void A_netlink_exception_names_its_errno_and_none_when_there_is_none()
    {
        Assert.Equal("ENODEV", new NetlinkException(Errno.ENODEV, "No such device").ErrorName);
        Assert.Equal("", new NetlinkException("malformed netlink message").ErrorName);
    }
}

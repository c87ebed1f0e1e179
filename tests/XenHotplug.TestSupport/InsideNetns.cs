using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace XenHotplug.TestSupport;

/// <summary>
/// Runs code of the test process inside a test namespace: on a thread of its own that enters the namespace (setns
/// affects only that thread, which then ends), so the test process and every other thread stay where they are.
/// What the code throws is thrown to the caller as it was.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public static partial class InsideNetns
{
    private const int CLONE_NEWNET = 0x40000000;

    public static T Run<T>(Netns ns, Func<T> work)
    {
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using (var handle = File.OpenHandle($"/run/netns/{ns.Name}"))
                {
                    if (SetNs((int)handle.DangerousGetHandle(), CLONE_NEWNET) != 0)
                        throw new InvalidOperationException($"setns {ns.Name}: errno {Marshal.GetLastPInvokeError()}");
                }
                result = work();
            }
            catch (Exception e)
            {
                failure = ExceptionDispatchInfo.Capture(e);
            }
        });
        thread.Start();
        thread.Join();
        failure?.Throw();
        return result;
    }

    public static void Run(Netns ns, Action work) => Run(ns, () =>
    {
        work();
        return 0;
    });

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNs(int fd, int nstype);
}

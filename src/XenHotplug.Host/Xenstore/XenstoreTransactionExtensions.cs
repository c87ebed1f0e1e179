namespace XenHotplug.Host.Xenstore;

/// <summary>Runs a body inside a xenstore transaction, retrying when the commit answers EAGAIN.</summary>
public static class XenstoreTransactionExtensions
{
    /// <summary>How many times a transaction is attempted before giving up.</summary>
    public const int DefaultMaxAttempts = 16;

    /// <summary>
    /// Starts a transaction, runs <paramref name="body"/> with its id and commits. When the commit (or an operation
    /// inside) answers EAGAIN, the transaction is retried up to <paramref name="maxAttempts"/> times; any other
    /// exception aborts the transaction and propagates.
    /// </summary>
    public static T RunTransaction<T>(this IXenstore xenstore, Func<uint, T> body, int maxAttempts = DefaultMaxAttempts)
    {
        ArgumentNullException.ThrowIfNull(xenstore);
        ArgumentNullException.ThrowIfNull(body);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        for (int attempt = 1; ; attempt++)
        {
            uint transaction = xenstore.TransactionStart();
            T result;
            try
            {
                result = body(transaction);
            }
            catch (XenstoreException ex) when (ex.ErrorName == "EAGAIN" && ex is not XenstoreConnectionException && attempt < maxAttempts)
            {
                xenstore.TransactionEnd(transaction, commit: false);
                continue;
            }
            catch (Exception) when (AbortQuietly(xenstore, transaction))
            {
                throw; // unreachable: AbortQuietly returns false so the exception propagates unfiltered
            }

            if (xenstore.TransactionEnd(transaction, commit: true))
            {
                return result;
            }

            if (attempt >= maxAttempts)
            {
                throw new XenstoreException("EAGAIN", $"xenstore transaction still conflicting after {maxAttempts} attempts");
            }
        }
    }

    /// <summary>As <see cref="RunTransaction{T}"/> for a body without a result.</summary>
    public static void RunTransaction(this IXenstore xenstore, Action<uint> body, int maxAttempts = DefaultMaxAttempts)
    {
        ArgumentNullException.ThrowIfNull(body);
        xenstore.RunTransaction(transaction =>
        {
            body(transaction);
            return true;
        }, maxAttempts);
    }

    private static bool AbortQuietly(IXenstore xenstore, uint transaction)
    {
        try
        {
            xenstore.TransactionEnd(transaction, commit: false);
        }
        catch (XenstoreException)
        {
            // The original exception matters more than a failed abort (the connection may be gone).
        }

        return false;
    }
}

namespace XenHotplug.Core.Plan;

/// <summary>
/// One step of an attach: what it changes, as data. Each kind says how it is taken back; the host runs the steps
/// in order and, when one fails, the undos of what already ran, in reverse, in one place.
/// </summary>
public abstract record AttachStep
{
    /// <summary>The step's lines in the printed plan (two spaces in, one change a line).</summary>
    public abstract IEnumerable<string> Lines();
}

namespace XenHotplug.Core.Configuration;

/// <summary>A bond's mode, as the kernel's bonding driver names it (`ip link add ... type bond mode WORD`).</summary>
public enum BondMode
{
    BalanceRr,
    ActiveBackup,
    BalanceXor,
    Broadcast,
    Ieee8023ad,
    BalanceTlb,
    BalanceAlb,
}

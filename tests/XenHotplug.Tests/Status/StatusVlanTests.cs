using System.Text.Json.Nodes;
using XenHotplug.Core.Bridges;
using XenHotplug.Core.Network;
using XenHotplug.Core.Status;
using XenHotplug.Core.Vlan;
using XenHotplug.Tests.Support;

namespace XenHotplug.Tests.Status;

/// <summary>status on trunk uplinks: a VLAN bridge's uplink kind and parent, a VLAN-aware bridge's default PVID and the VLANs of its ports.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class StatusVlanTests
{
    private const string Ini = """
        [bridge:xenbr100]
        uplink = bond0
        vlan = 100
        [bridge:xenbr0]
        uplink = eth2
        vlan_filtering = yes
        vids = 10 20 100-199
        pvid = 1
        [bridge:xenbr1]
        uplink = eth1

        """;

    // As `ip -j -d address show` reports them (trimmed to what status reads).
    private const string Links = """
        [{"ifindex":2,"ifname":"bond0","flags":["UP","LOWER_UP"],"mtu":1500,"address":"52:54:00:00:00:02","linkinfo":{"info_kind":"bond","info_data":{"mode":"active-backup","miimon":100}},"addr_info":[]},
         {"ifindex":10,"ifname":"eth8","flags":["UP","LOWER_UP","SLAVE"],"mtu":1500,"address":"52:54:00:00:00:02","master":"bond0",
          "linkinfo":{"info_slave_kind":"bond","info_slave_data":{"state":"ACTIVE","mii_status":"UP"}},"addr_info":[]},
         {"ifindex":11,"ifname":"eth9","flags":["UP","SLAVE"],"mtu":1500,"address":"52:54:00:00:00:02","master":"bond0",
          "linkinfo":{"info_slave_kind":"bond","info_slave_data":{"state":"BACKUP","mii_status":"DOWN"}},"addr_info":[]},
         {"ifindex":3,"ifname":"bond0.100","flags":["UP","LOWER_UP"],"mtu":1500,"address":"52:54:00:00:00:02","link":"bond0","master":"xenbr100",
          "linkinfo":{"info_kind":"vlan","info_data":{"protocol":"802.1Q","id":100}},"addr_info":[]},
         {"ifindex":4,"ifname":"xenbr100","flags":["UP","LOWER_UP"],"mtu":1500,"address":"52:54:00:00:00:02",
          "linkinfo":{"info_kind":"bridge","info_data":{"vlan_filtering":0,"vlan_default_pvid":1}},
          "addr_info":[{"family":"inet","local":"10.100.0.2","prefixlen":24,"scope":"global","label":"xenbr100"}]},
         {"ifindex":5,"ifname":"eth2","flags":["UP","LOWER_UP"],"mtu":1500,"address":"52:54:00:00:00:05","master":"xenbr0","addr_info":[]},
         {"ifindex":6,"ifname":"xenbr0","flags":["UP","LOWER_UP"],"mtu":1500,"address":"52:54:00:00:00:05",
          "linkinfo":{"info_kind":"bridge","info_data":{"vlan_filtering":1,"vlan_default_pvid":1}},"addr_info":[]},
         {"ifindex":7,"ifname":"eth1","flags":["UP","LOWER_UP"],"mtu":1500,"address":"52:54:00:00:00:07","master":"xenbr1","addr_info":[]},
         {"ifindex":8,"ifname":"xenbr1","flags":["UP","LOWER_UP"],"mtu":1500,"address":"52:54:00:00:00:07",
          "linkinfo":{"info_kind":"bridge","info_data":{"vlan_filtering":0,"vlan_default_pvid":1}},"addr_info":[]}]
        """;

    private static VlanMember Tagged(int vid) => new((ushort)vid, false, false);

    private static readonly IReadOnlyList<VlanMember> Carried =
        [new VlanMember(1, true, true), Tagged(10), Tagged(20), .. Enumerable.Range(100, 100).Select(Tagged)];

    private static StatusReport Build(IReadOnlyList<VlanMember>? uplink = null, bool filtering = true)
    {
        var config = TestConfig.Load(Ini);
        var specs = config.Bridges.Select(d => BridgeSpec.From(d, config.Naming)).ToList();
        var links = filtering ? Links : Links.Replace("\"vlan_filtering\":1", "\"vlan_filtering\":0", StringComparison.Ordinal);
        var state = NetState.Parse(links, "[]", "[]");
        var sysfs = new FakeSysfs()
            .Add("bond0").Add("bond0.100", master: "xenbr100").Add("xenbr100", bridge: true)
            .Add("eth2", master: "xenbr0").Add("xenbr0", bridge: true).Add("vif3.0", master: "xenbr0").Add("vif4.0", master: "xenbr0")
            .Add("vif5.0", master: "xenbr0")
            .Add("eth1", master: "xenbr1").Add("xenbr1", bridge: true).Add("vif6.0", master: "xenbr1");
        var vlans = new Dictionary<string, IReadOnlyList<VlanMember>>(StringComparer.Ordinal)
        {
            ["eth2"] = uplink ?? Carried,
            ["vif3.0"] = [new VlanMember(10, true, true), Tagged(20)],
            ["vif4.0"] = [new VlanMember(20, true, true)],
            ["vif5.0"] = [],
            ["vif6.0"] = [new VlanMember(1, true, true)],
        };
        return StatusReport.Build(config, specs, state, sysfs, portVlans: vlans);
    }

    [Fact]
    public void The_table_is_followed_by_the_uplink_kind_and_the_vlans_of_each_port()
    {
        const string Golden = """
            BRIDGE    UPLINK     CARRIER  SPEED  ADDRESSES      GUESTS                    POOL  HEALTH
            xenbr100  bond0.100  yes      -      10.100.0.2/24  0                         -     ok (1 of 2 slaves up)
            xenbr0    eth2       yes      -      -              3 (vif3.0,vif4.0,vif5.0)  -     ok
            xenbr1    eth1       yes      -      -              1 (vif6.0)                -     ok

            xenbr100: uplink bond0.100 is VLAN 100 of bond0, a bond (active-backup): eth8
                active, eth9 down
            xenbr0: VLAN-aware, default PVID 1
              uplink eth2  1p/10/20/100-199
              vif3.0       10p/20
              vif4.0       20p
              vif5.0       none
            VLANs: Np = PVID (untagged in and out), Nu = untagged, N = tagged

            """;
        var text = Build().RenderTable();
        Assert.Equal(Golden.ReplaceLineEndings("\n"), text);
        Assert.All(text.Split('\n').Skip(5), l => Assert.True(l.Length <= StatusDetails.Width, l));
    }

    [Fact]
    public void The_json_carries_the_same()
    {
        var bridges = JsonNode.Parse(Build().RenderJson())!["bridges"]!.AsArray();
        var vlanBridge = bridges[0]!;
        Assert.Equal("vlan", vlanBridge["uplink_kind"]!.GetValue<string>());
        Assert.Equal("bond0", vlanBridge["uplink_parent"]!.GetValue<string>());
        Assert.Equal(100, vlanBridge["uplink_vlan_id"]!.GetValue<int>());
        // The bond under the VLAN: its mode and slaves, one of two without link (healthy: the bond still has carrier).
        Assert.Equal("active-backup", vlanBridge["uplink_bond_mode"]!.GetValue<string>());
        var slaves = vlanBridge["uplink_bond_slaves"]!.AsArray();
        Assert.Equal(("eth8", true, true), (slaves[0]!["name"]!.GetValue<string>(), slaves[0]!["active"]!.GetValue<bool>(), slaves[0]!["link_up"]!.GetValue<bool>()));
        Assert.Equal(("eth9", false, false), (slaves[1]!["name"]!.GetValue<string>(), slaves[1]!["active"]!.GetValue<bool>(), slaves[1]!["link_up"]!.GetValue<bool>()));
        Assert.True(vlanBridge["healthy"]!.GetValue<bool>());
        Assert.False(vlanBridge["vlan_aware"]!.GetValue<bool>());
        Assert.Null(vlanBridge["default_pvid"]);
        Assert.Null(vlanBridge["uplink_vlans"]);

        var aware = bridges[1]!;
        Assert.Equal("nic", aware["uplink_kind"]!.GetValue<string>());
        Assert.Null(aware["uplink_parent"]);
        Assert.True(aware["vlan_aware"]!.GetValue<bool>());
        Assert.Equal(1, aware["default_pvid"]!.GetValue<int>());
        var uplink = aware["uplink_vlans"]!.AsArray();
        Assert.Equal(103, uplink.Count);
        Assert.Equal("""{"vid":1,"pvid":true,"untagged":true}""", uplink[0]!.ToJsonString());
        Assert.Equal("""{"vid":10,"pvid":false,"untagged":false}""", uplink[1]!.ToJsonString());
        var guests = aware["guest_vlans"]!.AsArray();
        Assert.Equal(["vif3.0", "vif4.0", "vif5.0"], guests.Select(g => g!["port"]!.GetValue<string>()));
        Assert.Equal("""[{"vid":10,"pvid":true,"untagged":true},{"vid":20,"pvid":false,"untagged":false}]""", guests[0]!["vlans"]!.ToJsonString());
        Assert.Empty(guests[2]!["vlans"]!.AsArray());

        var plain = bridges[2]!;
        Assert.Equal("nic", plain["uplink_kind"]!.GetValue<string>());
        Assert.Null(plain["guest_vlans"]); // a bridge without VLAN filtering: its ports' VLANs mean nothing
    }

    [Fact]
    public void The_json_golden()
    {
        var report = new StatusReport(
        [
            new BridgeStatus("xenbr100", "xenbr100", "bond0.100", true, true, true, null, [], [], [], true, "ok")
            { UplinkKind = "vlan", UplinkParent = "bond0", UplinkVlanId = 100, VlanAware = false },
            new BridgeStatus("xenbr0", "xenbr0", "eth2", true, true, true, 1000, [], ["vif3.0"], [], true, "ok")
            {
                UplinkKind = "nic", VlanAware = true, DefaultPvid = 0, UplinkVlans = [Tagged(10)],
                GuestVlans = [new PortVlanStatus("vif3.0", [new VlanMember(10, true, true)])],
            },
        ]);
        Assert.Equal("""
            {
              "healthy": true,
              "bridges": [
                {
                  "name": "xenbr100",
                  "declared": "xenbr100",
                  "uplink": "bond0.100",
                  "exists": true,
                  "uplink_attached": true,
                  "carrier": true,
                  "speed_mbps": null,
                  "addresses": [],
                  "guests": [],
                  "pools": [],
                  "healthy": true,
                  "health": "ok",
                  "uplink_kind": "vlan",
                  "uplink_parent": "bond0",
                  "uplink_vlan_id": 100,
                  "vlan_aware": false
                },
                {
                  "name": "xenbr0",
                  "declared": "xenbr0",
                  "uplink": "eth2",
                  "exists": true,
                  "uplink_attached": true,
                  "carrier": true,
                  "speed_mbps": 1000,
                  "addresses": [],
                  "guests": [
                    "vif3.0"
                  ],
                  "pools": [],
                  "healthy": true,
                  "health": "ok",
                  "uplink_kind": "nic",
                  "vlan_aware": true,
                  "default_pvid": 0,
                  "uplink_vlans": [
                    {
                      "vid": 10,
                      "pvid": false,
                      "untagged": false
                    }
                  ],
                  "guest_vlans": [
                    {
                      "port": "vif3.0",
                      "vlans": [
                        {
                          "vid": 10,
                          "pvid": true,
                          "untagged": true
                        }
                      ]
                    }
                  ]
                }
              ],
              "config": null
            }
            """.ReplaceLineEndings("\n"), report.RenderJson().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void An_uplink_carrying_other_vlans_than_declared_is_unhealthy()
    {
        var report = Build(uplink: [Tagged(10), Tagged(20)]);
        Assert.Equal("uplink eth2 carries 10/20, not 1p/10/20/100-199", report.Bridges[1].Health);
        Assert.False(report.Healthy);
    }

    [Fact]
    public void A_bridge_declared_vlan_aware_that_does_not_filter_is_unhealthy()
    {
        var report = Build(filtering: false);
        Assert.Equal("bridge not VLAN-aware (vlan_filtering = yes)", report.Bridges[1].Health);
        Assert.DoesNotContain("VLAN-aware,", report.RenderTable(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_vlan_list_wraps_under_its_column()
    {
        var odd = Enumerable.Range(1, 60).Select(i => Tagged(i * 2)).ToList();
        var lines = StatusDetails.Lines([new BridgeStatus("xenbr0", "xenbr0", "eth2", true, true, true, null, [], [], [], true, "ok")
        { VlanAware = true, DefaultPvid = 0, UplinkVlans = odd }]).ToList();
        Assert.Equal("xenbr0: VLAN-aware, no default PVID", lines[0]);
        Assert.StartsWith("  uplink eth2  2/4/6/", lines[1], StringComparison.Ordinal);
        Assert.All(lines, l => Assert.True(l.Length <= StatusDetails.Width, l));
        Assert.All(lines.Skip(2).SkipLast(1), l => Assert.StartsWith("              ", l, StringComparison.Ordinal));
        Assert.Equal("  uplink eth2  " + string.Join('/', odd.Select(v => v.Vid)), string.Concat(lines.Skip(1).SkipLast(1).Select((l, i) => i == 0 ? l : l.TrimStart())));
    }

    [Fact]
    public void The_uplink_kind_of_a_missing_vlan_device_is_what_the_bridge_declares()
    {
        var spec = new BridgeSpec("xenbr100", "xenbr100", "bond0", "bond0.100", null) { Vlan = 100 };
        Assert.Equal("vlan 100 of bond0", UplinkInfo.Of(spec, null)!.ToString());
        Assert.Null(UplinkInfo.Of(new BridgeSpec("h", "h", null, null, null), null));
        Assert.Equal("veth", UplinkInfo.Of(spec with { Vlan = null }, new LinkState(2, "eth0", "veth", null, null, 1500, true, [], []))!.ToString());
    }
}

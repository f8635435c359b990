using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace HaEdge.Core.Definition;

/// <summary>
/// Reads an edge definition file (JSON with comments). Any problem is one <see cref="HaEdgeException"/> with id
/// <c>EdgeDefinitionInvalid</c> whose message names the file, the key and what is wrong.
/// </summary>
internal static class EdgeDefinitionReader
{
    public const string ErrorId = "EdgeDefinitionInvalid";

    private static readonly Regex HostKeyPattern = new Regex(@"\ASHA256:[A-Za-z0-9+/]{43}\z", RegexOptions.CultureInvariant);
    private static readonly Regex TokenIdPattern = new Regex(@"\A[^@\s!]+@[^@\s!]+![A-Za-z][A-Za-z0-9._-]*\z", RegexOptions.CultureInvariant);
    private static readonly Regex VariablePattern = new Regex(@"\A[A-Za-z_][A-Za-z0-9_]*\z", RegexOptions.CultureInvariant);

    /// <summary>
    /// The only environment variables a definition may name as a secret. A definition is trusted like a script, but
    /// one shared or downloaded could otherwise name another tool's secret (a cloud key, a CI token) and an endpoint
    /// of its own, and the first call would send that secret there.
    /// </summary>
    public const string SecretVariablePrefix = "HAEDGE_";
    private static readonly Regex NamePattern = new Regex(@"\A[A-Za-z0-9][A-Za-z0-9._-]*\z", RegexOptions.CultureInvariant);

    public static EdgeDefinition Read(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        string text;
        try
        {
            text = File.ReadAllText(full);
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
        {
            throw new HaEdgeException("EdgeDefinitionNotFound", FailureKind.ObjectNotFound,
                $"Cannot read the edge definition '{full}': {e.Message}", full, e);
        }

        return Parse(text, full);
    }

    /// <param name="text">The file's content.</param>
    /// <param name="path">The file the text came from: named in errors and the base for relative key files.</param>
    public static EdgeDefinition Parse(string text, string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw Invalid(path, "(file)", $"not valid JSON at line {e.LineNumber + 1}, position {e.BytePositionInLine + 1}");
        }

        using (document)
        {
            return new Reader(path, text).ReadRoot(document.RootElement);
        }
    }

    private static HaEdgeException Invalid(string path, string key, string problem) =>
        new HaEdgeException(ErrorId, FailureKind.InvalidData, $"Edge definition '{path}': {key}: {problem}.", path);

    /// <summary>Walks the document with the current key path, so every error can name where it is.</summary>
    private sealed class Reader
    {
        private readonly string path;
        private readonly string text;

        public Reader(string path, string text)
        {
            this.path = path;
            this.text = text;
        }

        public EdgeDefinition ReadRoot(JsonElement root)
        {
            Expect(root, "(root)", JsonValueKind.Object);
            OnlyKeys(root, "(root)", "name", "proxmox", "firewalls", "segments", "probes");
            string name = OptionalString(root, "(root)", "name") ?? System.IO.Path.GetFileNameWithoutExtension(path);
            ProxmoxDefinition proxmox = ReadProxmox(Required(root, "(root)", "proxmox"));
            List<FirewallDefinition> firewalls = ReadFirewalls(Required(root, "(root)", "firewalls"));
            // A node named like a firewall would make every message and pooled connection ambiguous between the two.
            string? collision = proxmox.Ssh?.Nodes.Keys.FirstOrDefault(node => firewalls.Any(f => string.Equals(f.Name, node, StringComparison.OrdinalIgnoreCase)));
            if (collision != null)
            {
                throw Invalid(path, $"proxmox.ssh.nodes.{collision}", $"'{collision}' is also a firewall's name: give the Proxmox node and the firewall names of their own");
            }

            List<SegmentDefinition> segments = ReadSegments(root);
            ProbeDefinition probes = ReadProbes(root);
            return new EdgeDefinition(name, path, proxmox, firewalls, segments, probes);
        }

        private ProxmoxDefinition ReadProxmox(JsonElement element)
        {
            const string at = "proxmox";
            Expect(element, at, JsonValueKind.Object);
            OnlyKeys(element, at, "endpoints", "tokenId", "tokenSecretVariable", "certificateSha256", "timeoutSeconds", "ssh");
            JsonElement list = Required(element, at, "endpoints");
            Expect(list, at + ".endpoints", JsonValueKind.Array);
            var endpoints = new List<Uri>();
            int index = 0;
            foreach (JsonElement item in list.EnumerateArray())
            {
                string key = $"{at}.endpoints[{index++}]";
                endpoints.Add(HttpsUri(AsString(item, key), key));
            }

            if (endpoints.Count == 0)
            {
                throw Invalid(path, at + ".endpoints", "at least one endpoint is required");
            }

            string tokenId = RequiredString(element, at, "tokenId");
            if (!TokenIdPattern.IsMatch(tokenId))
            {
                throw Invalid(path, at + ".tokenId", $"'{tokenId}' is not USER@REALM!TOKENID");
            }

            ProxmoxSshDefinition? ssh = element.TryGetProperty("ssh", out JsonElement s) && s.ValueKind != JsonValueKind.Null
                ? ReadProxmoxSsh(s, at + ".ssh")
                : null;
            return new ProxmoxDefinition(endpoints, tokenId, Variable(element, at, "tokenSecretVariable"),
                EndpointPins(element, at, "certificateSha256", endpoints), Seconds(element, at, "timeoutSeconds", 10), ssh);
        }

        private ProxmoxSshDefinition ReadProxmoxSsh(JsonElement element, string at)
        {
            Expect(element, at, JsonValueKind.Object);
            OnlyKeys(element, at, "port", "user", "keyFile", "passphraseVariable", "passwordVariable", "nodes");
            int port = element.TryGetProperty("port", out JsonElement p) ? Integer(p, at + ".port", 1, 65535) : 22;
            string user = RequiredString(element, at, "user");
            JsonElement list = Required(element, at, "nodes");
            Expect(list, at + ".nodes", JsonValueKind.Object);
            var nodes = new Dictionary<string, ProxmoxSshNode>(StringComparer.OrdinalIgnoreCase);
            foreach (JsonProperty node in list.EnumerateObject())
            {
                string key = $"{at}.nodes.{node.Name}";
                NodeName(node.Name, key);

                if (nodes.ContainsKey(node.Name))
                {
                    throw Invalid(path, key, $"duplicate node '{node.Name}'");
                }

                Expect(node.Value, key, JsonValueKind.Object);
                OnlyKeys(node.Value, key, "host", "hostKeySha256");
                nodes[node.Name] = new ProxmoxSshNode(Host(node.Value, key), HostKey(node.Value, key, required: true)!);
            }

            if (nodes.Count == 0)
            {
                throw Invalid(path, at + ".nodes", "at least one node is required");
            }

            return new ProxmoxSshDefinition(port, user, KeyFile(element, at), Variable(element, at, "passphraseVariable"),
                Variable(element, at, "passwordVariable"), nodes);
        }

        private List<FirewallDefinition> ReadFirewalls(JsonElement list)
        {
            Expect(list, "firewalls", JsonValueKind.Array);
            var firewalls = list.EnumerateArray().Select((item, i) => ReadFirewall(item, $"firewalls[{i}]")).ToList();
            if (firewalls.Count != 2)
            {
                throw Invalid(path, "firewalls", $"an HA pair has exactly two firewalls, found {firewalls.Count}");
            }

            if (string.Equals(firewalls[0].Name, firewalls[1].Name, StringComparison.OrdinalIgnoreCase))
            {
                throw Invalid(path, "firewalls[1].name", $"duplicate firewall name '{firewalls[1].Name}'");
            }

            if (firewalls[0].VmId == firewalls[1].VmId)
            {
                throw Invalid(path, "firewalls[1].vmId", $"both firewalls name VM {firewalls[1].VmId}");
            }

            if (firewalls[0].Role == firewalls[1].Role)
            {
                throw Invalid(path, "firewalls[1].role", "one firewall must be primary and the other secondary");
            }

            return firewalls.OrderBy(f => f.Role).ToList();
        }

        private FirewallDefinition ReadFirewall(JsonElement element, string at)
        {
            Expect(element, at, JsonValueKind.Object);
            OnlyKeys(element, at, "name", "role", "vmId", "node", "ssh", "xmlrpc", "syncAddress");
            string name = Name(element, at, "name");
            FirewallRole role = Enum<FirewallRole>(RequiredString(element, at, "role"), at + ".role");
            int vmId = Integer(Required(element, at, "vmId"), at + ".vmId", 100, 999999999);
            string node = NodeName(RequiredString(element, at, "node"), at + ".node");
            SshDefinition ssh = ReadSsh(Required(element, at, "ssh"), at + ".ssh");
            XmlRpcDefinition? xmlRpc = element.TryGetProperty("xmlrpc", out JsonElement x) ? ReadXmlRpc(x, at + ".xmlrpc") : null;
            string? syncAddress = OptionalString(element, at, "syncAddress");
            if (syncAddress != null && !System.Net.IPAddress.TryParse(syncAddress, out _))
            {
                throw Invalid(path, at + ".syncAddress", $"'{syncAddress}' is not an IP address");
            }

            return new FirewallDefinition(name, role, vmId, node, ssh, xmlRpc, syncAddress);
        }

        private SshDefinition ReadSsh(JsonElement element, string at)
        {
            Expect(element, at, JsonValueKind.Object);
            OnlyKeys(element, at, "host", "port", "user", "hostKeySha256", "keyFile", "passphraseVariable", "passwordVariable");
            string host = Host(element, at);
            int port = element.TryGetProperty("port", out JsonElement p) ? Integer(p, at + ".port", 1, 65535) : 22;
            string user = RequiredString(element, at, "user");
            return new SshDefinition(host, port, user, HostKey(element, at, required: false), KeyFile(element, at),
                Variable(element, at, "passphraseVariable"), Variable(element, at, "passwordVariable"));
        }

        private string Host(JsonElement element, string at)
        {
            string host = RequiredString(element, at, "host");
            if (Uri.CheckHostName(host) == UriHostNameType.Unknown)
            {
                throw Invalid(path, at + ".host", $"'{host}' is not a host name or address");
            }

            return host;
        }

        private string? HostKey(JsonElement element, string at, bool required)
        {
            string? hostKey = required ? RequiredString(element, at, "hostKeySha256") : OptionalString(element, at, "hostKeySha256");
            if (hostKey != null && !HostKeyPattern.IsMatch(hostKey))
            {
                throw Invalid(path, at + ".hostKeySha256", "expected 'SHA256:' and 43 base64 characters, as ssh-keygen -lf prints it");
            }

            RefusePlaceholder(hostKey, at + ".hostKeySha256", "the host's key fingerprint (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on it)");
            return hostKey;
        }

        private string? KeyFile(JsonElement element, string at)
        {
            string? keyFile = OptionalString(element, at, "keyFile");
            return keyFile == null
                ? null
                : System.IO.Path.GetFullPath(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(path) ?? ".", ExpandHome(keyFile)));
        }

        private XmlRpcDefinition ReadXmlRpc(JsonElement element, string at)
        {
            Expect(element, at, JsonValueKind.Object);
            OnlyKeys(element, at, "url", "user", "passwordVariable", "certificateSha256");
            Uri url = HttpsUri(RequiredString(element, at, "url"), at + ".url");
            return new XmlRpcDefinition(url, RequiredString(element, at, "user"), Variable(element, at, "passwordVariable"),
                Fingerprint(element, at, "certificateSha256"));
        }

        private List<SegmentDefinition> ReadSegments(JsonElement root)
        {
            var segments = new List<SegmentDefinition>();
            if (!root.TryGetProperty("segments", out JsonElement list))
            {
                return segments;
            }

            Expect(list, "segments", JsonValueKind.Array);
            int index = 0;
            foreach (JsonElement element in list.EnumerateArray())
            {
                string at = $"segments[{index++}]";
                Expect(element, at, JsonValueKind.Object);
                OnlyKeys(element, at, "name", "kind", "net", "bridge", "vlan", "carp", "addressing");
                string name = Name(element, at, "name");
                if (segments.Any(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase)))
                {
                    throw Invalid(path, at + ".name", $"duplicate segment name '{name}'");
                }

                SegmentKind kind = Enum<SegmentKind>(RequiredString(element, at, "kind"), at + ".kind");
                int net = Integer(Required(element, at, "net"), at + ".net", 0, 31);
                int? vlan = element.TryGetProperty("vlan", out JsonElement v) && v.ValueKind != JsonValueKind.Null ? Integer(v, at + ".vlan", 1, 4094) : (int?)null;
                if (kind == SegmentKind.Vlan && vlan == null)
                {
                    throw Invalid(path, at + ".vlan", "a vlan segment needs its VLAN id");
                }

                bool carp = element.TryGetProperty("carp", out JsonElement c) && Boolean(c, at + ".carp");
                segments.Add(new SegmentDefinition(name, kind, net, OptionalString(element, at, "bridge"), vlan, carp, OptionalString(element, at, "addressing")));
            }

            return segments;
        }

        private ProbeDefinition ReadProbes(JsonElement root)
        {
            if (!root.TryGetProperty("probes", out JsonElement element))
            {
                return new ProbeDefinition(null, null, null, TimeSpan.FromMilliseconds(200));
            }

            const string at = "probes";
            Expect(element, at, JsonValueKind.Object);
            OnlyKeys(element, at, "ping", "tcpEcho", "download", "intervalMs");
            string? download = OptionalString(element, at, "download");
            Uri? downloadUri = null;
            if (download != null && (!Uri.TryCreate(download, UriKind.Absolute, out downloadUri) || (downloadUri.Scheme != "http" && downloadUri.Scheme != "https")))
            {
                throw Invalid(path, at + ".download", $"'{download}' is not an http(s) URL");
            }

            string? tcpEcho = OptionalString(element, at, "tcpEcho");
            if (tcpEcho != null && !Regex.IsMatch(tcpEcho, @"\A[^\s:]+:\d{1,5}\z"))
            {
                throw Invalid(path, at + ".tcpEcho", $"'{tcpEcho}' is not host:port");
            }

            int interval = element.TryGetProperty("intervalMs", out JsonElement i) ? Integer(i, at + ".intervalMs", 20, 60000) : 200;
            return new ProbeDefinition(OptionalString(element, at, "ping"), tcpEcho, downloadUri, TimeSpan.FromMilliseconds(interval));
        }

        private Uri HttpsUri(string text, string key)
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) || uri.Scheme != "https" || string.IsNullOrEmpty(uri.Host))
            {
                throw Invalid(path, key, $"'{text}' is not an https:// URL");
            }

            return uri;
        }

        private string? Fingerprint(JsonElement element, string at, string name)
        {
            string? text = OptionalString(element, at, name);
            return text == null ? null : Pin(text, $"{at}.{name}");
        }

        /// <summary>
        /// Each endpoint's pin (a cluster's nodes each have their own certificate, and one node must not pass with
        /// another's): an object from endpoint to fingerprint, or a list in the order of the endpoints, one per
        /// endpoint; one endpoint may have one fingerprint as a plain string. Anything else cannot say which pin is
        /// whose, and is refused.
        /// </summary>
        private Dictionary<string, string> EndpointPins(JsonElement element, string at, string name, List<Uri> endpoints)
        {
            var pins = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (!element.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
            {
                return pins;
            }

            string key = $"{at}.{name}";
            string howToBind = $"a pin belongs to one endpoint, so give an object from endpoint to fingerprint, or a list with one fingerprint per entry of {at}.endpoints in the same order (the same one again where nodes share a certificate)";
            switch (value.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (JsonProperty entry in value.EnumerateObject())
                    {
                        string entryKey = $"{key}.{entry.Name}";
                        Uri? endpoint = Uri.TryCreate(entry.Name, UriKind.Absolute, out Uri? named)
                            ? endpoints.FirstOrDefault(e => e.Scheme == named.Scheme && string.Equals(e.Authority, named.Authority, StringComparison.OrdinalIgnoreCase))
                            : null;
                        if (endpoint == null)
                        {
                            throw Invalid(path, entryKey, $"'{entry.Name}' is not one of {at}.endpoints");
                        }

                        Bind(pins, endpoint, Pin(AsString(entry.Value, entryKey), entryKey), entryKey);
                    }

                    return pins;
                case JsonValueKind.Array:
                    int count = value.GetArrayLength();
                    if (count != 0 && count != endpoints.Count)
                    {
                        throw Invalid(path, key, $"{count} fingerprints for {endpoints.Count} endpoints: {howToBind}");
                    }

                    int index = 0;
                    foreach (JsonElement item in value.EnumerateArray())
                    {
                        string itemKey = $"{key}[{index}]";
                        Bind(pins, endpoints[index++], Pin(AsString(item, itemKey), itemKey), itemKey);
                    }

                    return pins;
                case JsonValueKind.String when endpoints.Count == 1:
                    Bind(pins, endpoints[0], Pin(AsString(value, key), key), key);
                    return pins;
                case JsonValueKind.String:
                    throw Invalid(path, key, $"one fingerprint for {endpoints.Count} endpoints: {howToBind}");
                default:
                    throw Invalid(path, key, $"expected an object from endpoint to fingerprint, a list or a string, found {Describe(value)}");
            }
        }

        /// <summary>Pins <paramref name="endpoint"/>; the same endpoint twice (listed twice, or named twice) must have the same pin.</summary>
        private void Bind(Dictionary<string, string> pins, Uri endpoint, string pin, string key)
        {
            if (pins.TryGetValue(endpoint.Authority, out string? other) && other != pin)
            {
                throw Invalid(path, key, $"a second, different fingerprint for {endpoint.Authority}");
            }

            pins[endpoint.Authority] = pin;
        }

        private string Pin(string text, string key)
        {
            string pin;
            try
            {
                pin = CertificatePin.Normalize(text);
            }
            catch (HaEdgeException)
            {
                throw Invalid(path, key, "expected a SHA-256 fingerprint: 64 hex digits, colons allowed");
            }

            RefusePlaceholder(text, key, "the node's certificate fingerprint (pvenode cert info on it), or remove the entry to check the endpoint against the CAs this machine trusts");
            return pin;
        }

        /// <summary>New-HaEdgeDefinition's stand-in for a pin is refused with the line to edit.</summary>
        private void RefusePlaceholder(string? value, string key, string what)
        {
            if (value == null || !EdgeDefinitionTemplate.Placeholders.Contains(value, StringComparer.OrdinalIgnoreCase)) return;
            int offset = text.IndexOf(value, StringComparison.OrdinalIgnoreCase);
            string line = offset < 0 ? "" : $"line {text.Substring(0, offset).Count(c => c == '\n') + 1}: ";
            throw Invalid(path, key, $"{line}still the starter's placeholder '{value}'; put {what} there");
        }

        private string? Variable(JsonElement element, string at, string name)
        {
            string? text = OptionalString(element, at, name);
            if (text != null && !VariablePattern.IsMatch(text))
            {
                throw Invalid(path, $"{at}.{name}", $"'{text}' is not an environment variable name");
            }

            if (text != null && !text.StartsWith(SecretVariablePrefix, StringComparison.Ordinal))
            {
                throw Invalid(path, $"{at}.{name}",
                    $"'{text}' does not start with {SecretVariablePrefix}: HaEdge reads secrets only from variables named for it, so a definition "
                    + "cannot send another tool's secret to a host it names. Rename the variable (for example " + SecretVariablePrefix + text + ") or pass the secret as a credential");
            }

            return text;
        }

        private TimeSpan Seconds(JsonElement element, string at, string name, int fallback) =>
            TimeSpan.FromSeconds(element.TryGetProperty(name, out JsonElement e) ? Integer(e, $"{at}.{name}", 1, 3600) : fallback);

        private string Name(JsonElement element, string at, string name)
        {
            string text = RequiredString(element, at, name);
            if (!NamePattern.IsMatch(text))
            {
                throw Invalid(path, $"{at}.{name}", $"'{text}' is not a valid name (letters, digits, '.', '_', '-')");
            }

            return text;
        }

        private string NodeName(string name, string key) =>
            ProxmoxNodeName.IsValid(name) ? name : throw Invalid(path, key, $"'{name}' is not a Proxmox node name ({ProxmoxNodeName.Rule})");

        private T Enum<T>(string text, string key)
            where T : struct
        {
            if (System.Enum.TryParse(text, true, out T value) && !text.Any(char.IsDigit))
            {
                return value;
            }

            throw Invalid(path, key, $"'{text}' is not one of {string.Join(", ", System.Enum.GetNames(typeof(T)).Select(n => n.ToLowerInvariant()))}");
        }

        private JsonElement Required(JsonElement element, string at, string name)
        {
            if (!element.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
            {
                throw Invalid(path, $"{at}.{name}".Replace("(root).", string.Empty), "is required");
            }

            return value;
        }

        private string RequiredString(JsonElement element, string at, string name)
        {
            string key = $"{at}.{name}".Replace("(root).", string.Empty);
            string text = AsString(Required(element, at, name), key);
            if (text.Trim().Length == 0)
            {
                throw Invalid(path, key, "must not be empty");
            }

            return text;
        }

        private string? OptionalString(JsonElement element, string at, string name)
        {
            if (!element.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            return AsString(value, $"{at}.{name}".Replace("(root).", string.Empty));
        }

        private string AsString(JsonElement element, string key)
        {
            Expect(element, key, JsonValueKind.String);
            return element.GetString()!;
        }

        private int Integer(JsonElement element, string key, int min, int max)
        {
            if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt32(out int value))
            {
                throw Invalid(path, key, $"expected a whole number, found {Describe(element)}");
            }

            if (value < min || value > max)
            {
                throw Invalid(path, key, $"{value.ToString(CultureInfo.InvariantCulture)} is outside {min}..{max}");
            }

            return value;
        }

        private bool Boolean(JsonElement element, string key)
        {
            if (element.ValueKind == JsonValueKind.True || element.ValueKind == JsonValueKind.False)
            {
                return element.GetBoolean();
            }

            throw Invalid(path, key, $"expected true or false, found {Describe(element)}");
        }

        private void Expect(JsonElement element, string key, JsonValueKind kind)
        {
            if (element.ValueKind != kind)
            {
                throw Invalid(path, key, $"expected {Article(kind)}, found {Describe(element)}");
            }
        }

        private void OnlyKeys(JsonElement element, string at, params string[] known)
        {
            foreach (JsonProperty property in element.EnumerateObject())
            {
                if (!known.Contains(property.Name, StringComparer.Ordinal))
                {
                    string? close = known.FirstOrDefault(k => string.Equals(k, property.Name, StringComparison.OrdinalIgnoreCase));
                    string hint = close != null ? $" (did you mean '{close}'?)" : $" (known keys: {string.Join(", ", known)})";
                    throw Invalid(path, $"{at}.{property.Name}".Replace("(root).", string.Empty), "unknown key" + hint);
                }
            }
        }

        private static string ExpandHome(string file) =>
            file.StartsWith("~/", StringComparison.Ordinal)
                ? System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), file.Substring(2))
                : file;

        private static string Article(JsonValueKind kind) => kind switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "a list",
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            _ => kind.ToString().ToLowerInvariant(),
        };

        private static string Describe(JsonElement element) => element.ValueKind switch
        {
            JsonValueKind.String => $"the string \"{element.GetString()}\"",
            JsonValueKind.Number => $"the number {element.GetRawText()}",
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Null => "null",
            _ => Article(element.ValueKind),
        };
    }
}

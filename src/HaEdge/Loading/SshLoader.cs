using System;
using System.IO;
using System.Reflection;
using HaEdge.Core.Session;

namespace HaEdge.Loading;

/// <summary>
/// Loads HaEdge.Ssh and SSH.NET from the module's Dependencies folder into HaEdge's own load context on
/// PowerShell 7, so a different Renci.SshNet already loaded by another module (Posh-SSH) never binds to ours.
/// On Windows PowerShell 5.1 (.NET Framework, no load contexts) it falls back to LoadFrom.
/// </summary>
internal static class SshLoader
{
    private static readonly object Gate = new object();
    private static Assembly? sshAssembly;
    private static Assembly? sshLibrary;

    public static string DependencyFolder =>
        Path.Combine(Path.GetDirectoryName(typeof(SshLoader).Assembly.Location) ?? ".", "Dependencies");

    /// <summary>The SSH.NET assembly HaEdge's SSH code runs with (a test uses it to show isolation).</summary>
    public static Assembly SshLibrary
    {
        get
        {
            Load();
            return sshLibrary!;
        }
    }

    public static ISshConnector CreateConnector()
    {
        Type type = Load().GetType("HaEdge.Ssh.SshNetConnector", throwOnError: true)!;
        return (ISshConnector)Activator.CreateInstance(type)!;
    }

    private static Assembly Load()
    {
        lock (Gate)
        {
            return sshAssembly ??= LoadContextType() is Type contextType ? LoadIsolated(contextType) : LoadShared();
        }
    }

    private static Type? LoadContextType() => Type.GetType("System.Runtime.Loader.AssemblyLoadContext, System.Runtime.Loader", throwOnError: false);

    /// <summary>
    /// A load context resolves a name from its own cache before asking the default context, so loading every
    /// dependency into it up front makes HaEdge.Ssh bind to our SSH.NET. HaEdge.Core is not in the folder:
    /// it comes from the default context, which keeps ISshConnector one shared type.
    /// </summary>
    private static Assembly LoadIsolated(Type contextType)
    {
        object context = Activator.CreateInstance(contextType, "HaEdge", false)!;
        MethodInfo loadFromPath = contextType.GetMethod("LoadFromAssemblyPath", new[] { typeof(string) })!;
        Assembly? ssh = null;
        foreach (string file in Directory.GetFiles(DependencyFolder, "*.dll"))
        {
            var assembly = (Assembly)loadFromPath.Invoke(context, new object[] { file })!;
            switch (assembly.GetName().Name)
            {
                case "HaEdge.Ssh":
                    ssh = assembly;
                    break;
                case "Renci.SshNet":
                    sshLibrary = assembly;
                    break;
            }
        }

        return ssh ?? throw new FileNotFoundException("HaEdge.Ssh.dll is missing from the module.", Path.Combine(DependencyFolder, "HaEdge.Ssh.dll"));
    }

    private static Assembly LoadShared()
    {
        AppDomain.CurrentDomain.AssemblyResolve += (_, args) =>
        {
            string candidate = Path.Combine(DependencyFolder, new AssemblyName(args.Name).Name + ".dll");
            return File.Exists(candidate) ? Assembly.LoadFrom(candidate) : null;
        };
        sshLibrary = Assembly.LoadFrom(Path.Combine(DependencyFolder, "Renci.SshNet.dll"));
        return Assembly.LoadFrom(Path.Combine(DependencyFolder, "HaEdge.Ssh.dll"));
    }
}

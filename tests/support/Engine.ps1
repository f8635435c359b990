# The engine behind a session is internal to HaEdge.Core (issue 13: public means a user sees it). The few tests and
# benchmarks that drive it directly, below the cmdlets, reach it here by reflection, as the xunit tests do through
# InternalsVisibleTo; a user's script has no business with any of it.

# An internal member of a Core object: a property's value, or a method's result for the given arguments.
function Get-CoreInternal([Parameter(Mandatory)] $Object, [Parameter(Mandatory)] [string] $Name, [object[]] $ArgumentList = @()) {
    $flags = [Reflection.BindingFlags]'Public,NonPublic,Instance'
    $target = $Object.psobject.BaseObject
    $property = $target.GetType().GetProperty($Name, $flags)
    if ($property) { return $property.GetValue($target) }
    # Reflection takes the objects themselves, not PowerShell's wrappers of them.
    $arguments = [object[]]::new($ArgumentList.Count)
    for ($i = 0; $i -lt $arguments.Count; $i++) { $arguments[$i] = $ArgumentList[$i].psobject.BaseObject }
    $target.GetType().GetMethod($Name, $flags).Invoke($target, $arguments)
}

# A static member of an internal Core type, by the type's full name: a field's or property's value, or a method's result.
function Get-CoreStatic([Parameter(Mandatory)] [string] $TypeName, [Parameter(Mandatory)] [string] $Name, [object[]] $ArgumentList = @()) {
    $flags = [Reflection.BindingFlags]'Public,NonPublic,Static'
    $type = [HaEdge.Core.Session.EdgeSession].Assembly.GetType($TypeName, $true)
    $field = $type.GetField($Name, $flags)
    if ($field) { return $field.GetValue($null) }
    $property = $type.GetProperty($Name, $flags)
    if ($property) { return $property.GetValue($null) }
    $type.GetMethod($Name, $flags).Invoke($null, $ArgumentList)
}

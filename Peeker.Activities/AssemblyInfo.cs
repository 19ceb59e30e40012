namespace Peeker.Activities;

/// <summary>Marker for the domain assembly (activity registration scans it).</summary>
public static class ActivitiesAssembly;

using System;
using Xunit;

namespace HaEdge.Core.Tests.Text;

public class DurationTextTests
{
    [Theory]
    [InlineData("5", 5000)]
    [InlineData("1.5", 1500)]
    [InlineData("200ms", 200)]
    [InlineData("200 MS", 200)]
    [InlineData("5s", 5000)]
    [InlineData("1.5s", 1500)]
    [InlineData("2m", 120000)]
    [InlineData("1h", 3600000)]
    [InlineData("00:00:05", 5000)]
    [InlineData("00:02:00", 120000)]
    [InlineData("PT5S", 5000)]
    [InlineData("PT0.2S", 200)]
    public void Reads_the_forms_people_type(string text, double milliseconds)
    {
        Assert.True(DurationText.TryParse(text, out TimeSpan value));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("five")]
    [InlineData("5 seconds")]
    [InlineData("-5")]
    [InlineData("-00:00:05")]
    [InlineData("5,5")]
    [InlineData("5d")]
    public void Refuses_what_is_not_a_duration(string text)
    {
        Assert.False(DurationText.TryParse(text, out _));
    }

    [Theory]
    [InlineData(200, "200 ms")]
    [InlineData(5000, "5 s")]
    [InlineData(1500, "1.5 s")]
    [InlineData(120000, "2 min")]
    [InlineData(270000, "4 min 30 s")]
    public void Formats_as_people_read(double milliseconds, string expected)
    {
        Assert.Equal(expected, DurationText.Format(TimeSpan.FromMilliseconds(milliseconds)));
    }
}

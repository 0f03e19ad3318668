"""Analysis stage for the satisfaction survey.

- concerns: open-text answers -> personal data masked, jieba keywords, themes, quotations
- compare: objective (indicator) vs subjective (satisfaction) scores per dimension
- hot_issues: the top five 热点问题 from indicator shortfalls, satisfaction and concern
"""

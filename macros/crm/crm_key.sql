{#- A CRM field or column name as the mapping seeds match it: lower case, letters and digits
    only (StageName = stage_name, Customer_Stage__c = customer_stage__c), as the loader's
    crm_key() matches file headers. -#}
{% macro crm_key(expression) -%}
    regexp_replace(lower({{ expression }}), '[^a-z0-9]', '', 'g')
{%- endmacro %}
